#include "common/printable.hpp"

#include <doctest/doctest.h>

#include <string>

using runz::escape_controls;

TEST_CASE("escape_controls: control bytes and DEL as \\xNN, everything else as it is") {
  CHECK(escape_controls("") == "");
  CHECK(escape_controls("plain text: 100% ok") == "plain text: 100% ok");
  CHECK(escape_controls("\x1b[2Jcleared") == "\\x1b[2Jcleared");
  CHECK(escape_controls("one\ntwo\r\n\ttab") == "one\\x0atwo\\x0d\\x0a\\x09tab");
  CHECK(escape_controls(std::string("nul\0del\x7f", 8)) == "nul\\x00del\\x7f");
  CHECK(escape_controls("caf\xc3\xa9 \xe2\x9c\x93") == "caf\xc3\xa9 \xe2\x9c\x93");  // UTF-8 kept
  for (int b = 0; b < 0x20; ++b) CHECK(escape_controls(std::string(1, static_cast<char>(b))).size() == 4);
}
