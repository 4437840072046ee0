# Sweeps: --vary, the grid, cost, the analytic screen, determinism across jobs.
flinksim_test(sweep_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/sweep_test.cpp DEPS sweep scenario)
