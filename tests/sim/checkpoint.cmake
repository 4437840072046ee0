# The engine's checkpoints (sim/checkpoint_coordinator.cpp, barrier.cpp, upload.cpp) and failures
# (sim/failure.cpp) on tiny jobs built in code.
flinksim_test(checkpoint_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/checkpoint_test.cpp ${CMAKE_CURRENT_LIST_DIR}/job_builder.cpp
              DEPS engine)
flinksim_test(failure_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/failure_test.cpp ${CMAKE_CURRENT_LIST_DIR}/job_builder.cpp
              DEPS engine fluid)
