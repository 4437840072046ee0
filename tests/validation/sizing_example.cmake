flinksim_test(sizing_example_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/sizing_example_test.cpp
              DEPS steady_state scenario LABELS validation)
