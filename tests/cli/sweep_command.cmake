# `flinksim sweep` through the binary.
flinksim_test(sweep_command_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/sweep_command_test.cpp DEPS units)
target_link_libraries(sweep_command_test PRIVATE nlohmann_json::nlohmann_json)
add_dependencies(sweep_command_test flinksim)
