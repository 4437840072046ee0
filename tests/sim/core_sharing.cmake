flinksim_test(core_sharing_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/core_sharing_test.cpp DEPS core_sharing)
