# cmake -DIN=file -DOUT=file.cpp -DSYMBOL=name -P embed_file.cmake
# Writes a C++ source that holds IN's bytes as `extern const char flinksim::assets::SYMBOL[]`
# (NUL-terminated) and `SYMBOL_size`, so a binary can carry a file (a JavaScript library, an HTML
# template) without reading it at run time.
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
# Line breaks every 32 bytes keep the generated file readable by editors and compilers alike.
string(REGEX REPLACE "(('[^']+',){32})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUT}.tmp"
  "// Generated from ${IN} by cmake/embed_file.cmake. Do not edit.\n"
  "#include <cstddef>\n"
  "namespace flinksim::assets {\n"
  "extern const char ${SYMBOL}[] = {\n${bytes}'\\0'};\n"
  "extern const std::size_t ${SYMBOL}_size = ${size};\n"
  "}  // namespace flinksim::assets\n")
file(RENAME "${OUT}.tmp" "${OUT}")
