# Fluid level vs buffer level on every bundled scenario (its peak hour or whole run) and on
# loaded adversarial jobs: throughput, busy/back-pressured/idle, TaskManager CPU, source lag.
flinksim_test(fluid_agreement_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/fluid_agreement_test.cpp
                                           ${CMAKE_CURRENT_LIST_DIR}/../sim/job_builder.cpp
              DEPS fluid scenario LABELS validation)
# Fluid level vs buffer level on checkpoint and recovery figures (bundled scenarios with failures).
flinksim_test(fluid_recovery_agreement_test
              SOURCES ${CMAKE_CURRENT_LIST_DIR}/fluid_recovery_agreement_test.cpp
              DEPS fluid scenario LABELS validation)
