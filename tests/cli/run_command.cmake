flinksim_test(run_command_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/run_command_test.cpp)
target_link_libraries(run_command_test PRIVATE nlohmann_json::nlohmann_json)
add_dependencies(run_command_test flinksim)
