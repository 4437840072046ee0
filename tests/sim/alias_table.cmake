flinksim_test(alias_table_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/alias_table_test.cpp DEPS engine)
