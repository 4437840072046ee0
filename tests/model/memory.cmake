flinksim_test(memory_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/memory_test.cpp DEPS memory)
