flinksim_test(golden_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/golden_test.cpp)
add_dependencies(golden_test flinksim)
