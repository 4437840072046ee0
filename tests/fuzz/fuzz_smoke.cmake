# A short fuzz run in the default suite, so that CI runs the fuzz targets: scripts/fuzz.sh in
# smoke mode builds the four libFuzzer targets of fuzz/ with clang (ASan + UBSan) into
# <build>/fuzz-smoke, compiling only the units they fuzz, then runs each for 12 s from its seeds
# alone with libFuzzer's seed fixed (-seed=1). A crash, a leak or undefined behaviour fails the
# test and leaves crash-* in <build>/fuzz-smoke/artifacts/: make it a regression file in
# tests/bad_inputs/ or scenarios/broken/ before fixing it. Without clang's libFuzzer (clang,
# libclang-rt-14-dev: `scripts/setup.sh --tests` installs them) the test is skipped.
# Cost, measured from a cold build directory without ccache on the shared 2-core machine: 110 s
# (load ~2.5) to 152 s (load ~5) wall alone, ~120-130 s of CPU: 24 files compiled (~85 s CPU),
# then 4 x 12 s of fuzzing. Installing clang adds a ~52 MB download.
if(NOT FLINKSIM_FUZZ)  # not inside the fuzz build itself
  set(fuzz_cmake_args "")
  if(CMAKE_CXX_COMPILER_LAUNCHER)  # e.g. ccache: the fuzz build uses it too
    set(fuzz_cmake_args "-DCMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER}")
  endif()
  add_test(NAME fuzz_smoke
           COMMAND ${CMAKE_COMMAND} -E env FLINKSIM_FUZZ_SMOKE=1
                   FLINKSIM_FUZZ_BUILD_DIR=${CMAKE_BINARY_DIR}/fuzz-smoke
                   "FLINKSIM_FUZZ_CMAKE_ARGS=${fuzz_cmake_args}"
                   ${PROJECT_SOURCE_DIR}/scripts/fuzz.sh all 12
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  # COST: started first under `ctest -j2`, so that its build overlaps the other tests rather
  # than running alone at the end.
  set_tests_properties(fuzz_smoke PROPERTIES LABELS fuzz SKIP_RETURN_CODE 77 TIMEOUT 1200
                       COST 10000)
endif()
