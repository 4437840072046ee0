# simulate(scenario): the engine on scenarios read from TOML, held against the analytic model.
flinksim_test(simulate_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/simulate_test.cpp
              DEPS engine steady_state scenario)
