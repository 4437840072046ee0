flinksim_test(calibrate_fit_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/fit_test.cpp DEPS calibrate_fit)
