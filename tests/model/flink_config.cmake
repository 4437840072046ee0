flinksim_test(flink_config_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/flink_config_test.cpp
              DEPS flink_config)
