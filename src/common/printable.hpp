// Untrusted text (a zone's console, its agent's LOG lines and ERROR messages) made safe for one host log line
// or error message: no terminal control sequence reaches whoever reads the log or the error on a terminal,
// and no line break splits one log line into forged ones.
#pragma once

#include <string>
#include <string_view>

namespace runz {

// Every byte below 0x20 and 0x7f (DEL) as \xNN (lower-case hex, e.g. ESC as \x1b, a newline as \x0a); every
// other byte kept as it is, so UTF-8 text stays readable.
std::string escape_controls(std::string_view text);

}  // namespace runz
