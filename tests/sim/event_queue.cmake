flinksim_test(event_queue_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/event_queue_test.cpp
              DEPS event_queue)
flinksim_test(min_heap_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/min_heap_test.cpp
              DEPS event_queue)
flinksim_test(histogram_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/histogram_test.cpp
              DEPS histogram)
