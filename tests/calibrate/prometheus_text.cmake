flinksim_test(calibrate_prometheus_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/prometheus_text_test.cpp
              DEPS calibrate_readers)
