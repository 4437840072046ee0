# The closed forms of queueing theory, checked against Monte Carlo (fast: the formulas alone).
flinksim_test(queueing_theory_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/queueing_theory_test.cpp
              LABELS validation)
