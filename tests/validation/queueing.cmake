# The closed forms of queueing theory, checked against Monte Carlo (fast: the formulas alone).
flinksim_test(queueing_theory_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/queueing_theory_test.cpp
              LABELS validation)
# The engine held against those closed forms (seconds, so it also runs in the default suite).
flinksim_test(queueing_validation_test
              SOURCES ${CMAKE_CURRENT_LIST_DIR}/queueing_validation_test.cpp
                      ${CMAKE_CURRENT_LIST_DIR}/../sim/job_builder.cpp
              DEPS engine LABELS validation)
