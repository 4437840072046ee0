flinksim_test(steady_state_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/steady_state_test.cpp
              DEPS steady_state)
flinksim_test(key_distribution_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/key_distribution_test.cpp
              DEPS steady_state)
