flinksim_test(calibrate_readers_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/readers_test.cpp
              DEPS calibrate_readers calibrate_fit calibrate_emit)
