# The sweep journal: exact round trip of rows, torn and damaged lines, refusing another sweep's.
# The journal is compiled into the flinksim binary (no cli library holds it), so here too.
flinksim_test(sweep_journal_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/sweep_journal_test.cpp
              ${PROJECT_SOURCE_DIR}/cli/sweep_journal.cpp ${PROJECT_SOURCE_DIR}/cli/sweep_output.cpp DEPS sweep)
target_link_libraries(sweep_journal_test PRIVATE flinksim_cli_common)
