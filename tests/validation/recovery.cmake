# The engine's checkpoints and recoveries held against their closed forms and the analytic model.
flinksim_test(checkpoint_validation_test
              SOURCES ${CMAKE_CURRENT_LIST_DIR}/checkpoint_validation_test.cpp
                      ${CMAKE_CURRENT_LIST_DIR}/../sim/job_builder.cpp
              DEPS engine LABELS validation)
flinksim_test(recovery_validation_test
              SOURCES ${CMAKE_CURRENT_LIST_DIR}/recovery_validation_test.cpp
                      ${CMAKE_CURRENT_LIST_DIR}/../sim/job_builder.cpp
              DEPS engine scenario layout_assessment LABELS validation)
