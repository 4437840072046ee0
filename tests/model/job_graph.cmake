flinksim_test(job_graph_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/job_graph_test.cpp DEPS job_graph)
flinksim_test(placement_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/placement_test.cpp DEPS job_graph)
flinksim_test(network_buffers_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/network_buffers_test.cpp
              DEPS job_graph)
