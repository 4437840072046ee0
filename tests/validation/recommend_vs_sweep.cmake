# recommend against an exhaustive `flinksim sweep` of the same space, through the binaries.
flinksim_test(recommend_vs_sweep_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/recommend_vs_sweep_test.cpp
              DEPS scenario LABELS validation)
target_link_libraries(recommend_vs_sweep_test PRIVATE nlohmann_json::nlohmann_json)
add_dependencies(recommend_vs_sweep_test flinksim)
