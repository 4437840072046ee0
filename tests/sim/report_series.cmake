flinksim_test(report_series_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/report_series_test.cpp DEPS report_series)
