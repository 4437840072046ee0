# The state, checkpoint, restart-strategy and recovery models (model/ unit `recovery`).
foreach(name state_model checkpoint_model restart_strategy recovery_model)
  flinksim_test(${name}_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/${name}_test.cpp DEPS recovery)
endforeach()
