# The fluid level: water-filling, channel bounds, backpressure, traffic steps (fast, analytic expectations).
flinksim_test(fluid_rates_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/fluid_rates_test.cpp DEPS fluid)
flinksim_test(fluid_network_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/fluid_network_test.cpp
                                         ${CMAKE_CURRENT_LIST_DIR}/job_builder.cpp
              DEPS fluid scenario)
flinksim_test(fluid_engine_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/fluid_engine_test.cpp
                                        ${CMAKE_CURRENT_LIST_DIR}/job_builder.cpp
              DEPS fluid scenario)
flinksim_test(fluid_auto_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/fluid_auto_test.cpp DEPS fluid scenario)
flinksim_test(fluid_check_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/fluid_check_test.cpp DEPS fluid scenario)
