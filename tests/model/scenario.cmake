flinksim_test(scenario_reader_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/scenario_reader_test.cpp DEPS scenario)
flinksim_test(scenario_writer_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/scenario_writer_test.cpp DEPS scenario)
flinksim_test(traffic_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/traffic_test.cpp DEPS scenario)
