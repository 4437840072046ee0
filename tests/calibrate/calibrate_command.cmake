flinksim_test(calibrate_command_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/calibrate_command_test.cpp
              DEPS calibrate_emit)
add_dependencies(calibrate_command_test flinksim)
