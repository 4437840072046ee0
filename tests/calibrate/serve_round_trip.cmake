# The calibration round trip against a simulated cluster's REST answers (cli/simulated_flink.h).
flinksim_test(serve_round_trip_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/serve_round_trip_test.cpp
              DEPS calibrate_emit)
target_link_libraries(serve_round_trip_test PRIVATE flinksim_cli_serve flinksim_calibrate)
