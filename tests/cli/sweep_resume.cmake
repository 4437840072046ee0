# `flinksim sweep --resume` through the binary: killed for real (SIGKILL), then resumed.
flinksim_test(sweep_resume_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/sweep_resume_test.cpp DEPS units)
add_dependencies(sweep_resume_test flinksim)
