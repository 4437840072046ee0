# recommend vs an exhaustive search of the same space (slow: validation tier).
flinksim_test(recommend_exhaustive_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/recommend_exhaustive_test.cpp
              DEPS recommend LABELS validation)
