flinksim_test(engine_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/engine_test.cpp ${CMAKE_CURRENT_LIST_DIR}/job_builder.cpp
              DEPS engine)
