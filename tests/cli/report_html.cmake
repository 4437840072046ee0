# report.html: rendered by flinksim, then drawn by headless Chromium (Debian's chromium package,
# installed by scripts/setup.sh --tests).
flinksim_test(report_html_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/report_html_test.cpp)
target_link_libraries(report_html_test PRIVATE flinksim_cli_report)
add_dependencies(report_html_test flinksim)
