# One static library per unit (a .cpp/.h pair or a few), so a unit's dependencies are written down
# and a wrong #include fails to link. Folder libraries (flinksim_model, ...) bundle their units.
#
#   flinksim_unit(NAME SOURCES a.cpp b.cpp [DEPS other_unit ...] [LIBS external::target ...])
#   flinksim_test(NAME SOURCES x_test.cpp [DEPS unit ...] [LABELS quick|validation])
function(flinksim_unit name)
  cmake_parse_arguments(U "" "" "SOURCES;DEPS;LIBS" ${ARGN})
  add_library(fs_${name} STATIC ${U_SOURCES})
  target_include_directories(fs_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  foreach(dep IN LISTS U_DEPS)
    target_link_libraries(fs_${name} PUBLIC fs_${dep})
  endforeach()
  target_link_libraries(fs_${name} PUBLIC ${U_LIBS})
endfunction()

function(flinksim_test name)
  cmake_parse_arguments(T "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE flinksim_catch_main)
  foreach(dep IN LISTS T_DEPS)
    target_link_libraries(${name} PRIVATE fs_${dep})
  endforeach()
  if(NOT T_LABELS)
    set(T_LABELS quick)
  endif()
  add_test(NAME ${name} COMMAND ${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}"
    ENVIRONMENT "FLINKSIM_SOURCE_DIR=${PROJECT_SOURCE_DIR};FLINKSIM_BINARY=$<TARGET_FILE:flinksim>")
endfunction()
