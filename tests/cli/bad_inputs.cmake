# The corpora of bad inputs beyond scenarios (tests/bad_inputs/): Flink configuration files,
# saved REST answers and Prometheus scrapes, each run through the flinksim binary.
flinksim_test(bad_flink_configs_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/bad_flink_configs_test.cpp)
add_dependencies(bad_flink_configs_test flinksim)
# Replays each snapshot folder over loopback HTTP (cpp-httplib) for `flinksim snapshot --url`.
flinksim_test(bad_rest_answers_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/bad_rest_answers_test.cpp)
target_link_libraries(bad_rest_answers_test PRIVATE nlohmann_json::nlohmann_json PkgConfig::HTTPLIB Threads::Threads)
add_dependencies(bad_rest_answers_test flinksim)
flinksim_test(bad_prometheus_scrapes_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/bad_prometheus_scrapes_test.cpp)
add_dependencies(bad_prometheus_scrapes_test flinksim)
