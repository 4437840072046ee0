# snapshot / calibrate --url against a real loopback HTTP server (cpp-httplib) with faults.
flinksim_test(loopback_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/loopback_test.cpp DEPS calibrate_rest)
target_link_libraries(loopback_test PRIVATE PkgConfig::HTTPLIB Threads::Threads)
add_dependencies(loopback_test flinksim)
