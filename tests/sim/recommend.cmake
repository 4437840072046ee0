# recommend: alignment, DS2 sizing, binding objectives, against an exhaustive search.
flinksim_test(recommend_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/recommend_test.cpp DEPS recommend scenario)
