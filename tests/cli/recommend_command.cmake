# `flinksim recommend` through the binary (JSON contract, exit 1, --emit YAML).
flinksim_test(recommend_command_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/recommend_command_test.cpp DEPS flink_config)
target_link_libraries(recommend_command_test PRIVATE nlohmann_json::nlohmann_json yaml-cpp)
add_dependencies(recommend_command_test flinksim)
