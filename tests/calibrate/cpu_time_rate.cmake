flinksim_test(calibrate_cpu_time_rate_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/cpu_time_rate_test.cpp
              DEPS calibrate_fit)
