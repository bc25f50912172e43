// G-code tokenizer; see line.h.
#include "line.h"

#include <cctype>
#include <charconv>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace werkbank::gcode {
namespace {

bool TakesText(const std::string& command) {
  return command == "M117" || command == "M118" || command == "M23" ||
         command == "M28" || command == "M32" || command == "M928";
}

std::string FormatNumber(double v) {
  std::string s = absl::StrFormat("%.5f", v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

}  // namespace

std::optional<double> Line::Get(char letter) const {
  for (const Word& w : words) {
    if (w.letter == letter) return w.value;
  }
  return std::nullopt;
}

Line LineTooLong(size_t length, int64_t source_line) {
  Line line;
  line.source_line = source_line;
  line.error = absl::StrCat("line is ", length, " characters long, at most ",
                            kMaxLineLength, " are allowed");
  return line;
}

Line ParseLine(absl::string_view raw, int64_t source_line) {
  if (raw.size() > kMaxLineLength) return LineTooLong(raw.size(), source_line);
  Line line;
  line.source_line = source_line;
  // Strip comments; a '*' checksum ends the command part.
  std::string body;
  bool in_paren = false;
  for (char c : raw) {
    if (in_paren) {
      if (c == ')') in_paren = false;
      continue;
    }
    if (c == '(') {
      in_paren = true;
      continue;
    }
    if (c == ';' || c == '*') break;
    if (c == '\r') continue;
    body.push_back(c);
  }
  if (in_paren) {
    line.error = "a '(' comment is not closed on this line";
    return line;
  }
  size_t i = 0;
  auto skip_space = [&] {
    while (i < body.size() && (body[i] == ' ' || body[i] == '\t')) ++i;
  };
  skip_space();
  if (i < body.size() && body[i] == '%') return line;  // program delimiter
  if (i < body.size() && body[i] == '$') {
    // GRBL system command: kept verbatim.
    line.command = "$";
    line.code = std::string(absl::StripAsciiWhitespace(body.substr(i)));
    return line;
  }
  std::vector<std::string> parts;
  while (true) {
    skip_space();
    if (i >= body.size()) break;
    const char letter =
        static_cast<char>(std::toupper(static_cast<unsigned char>(body[i])));
    if (letter < 'A' || letter > 'Z') {
      line.error = absl::StrCat("unexpected character '",
                                std::string(1, body[i]), "' in column ", i + 1);
      return line;
    }
    ++i;
    skip_space();
    size_t start = i;
    while (i < body.size() &&
           (std::isdigit(static_cast<unsigned char>(body[i])) ||
            body[i] == '.' || body[i] == '-' || body[i] == '+')) {
      ++i;
    }
    std::string number = body.substr(start, i - start);
    if (!number.empty() && number[0] == '+') number.erase(0, 1);
    double value = 0;
    auto [ptr, ec] =
        std::from_chars(number.data(), number.data() + number.size(), value);
    if (number.empty() || ec != std::errc() ||
        ptr != number.data() + number.size()) {
      line.error = absl::StrCat("letter ", std::string(1, letter),
                                " needs a number in column ", start + 1);
      return line;
    }
    // No machine needs numbers this large; refusing them also keeps every
    // later conversion to an integer defined.
    if (!std::isfinite(value) || std::abs(value) > 1e9) {
      line.error = absl::StrCat("the number after ", std::string(1, letter),
                                " in column ", start + 1, " is out of range");
      return line;
    }
    if (letter == 'N' && line.words.empty() && !line.n) {
      line.n = static_cast<int64_t>(value);
      continue;
    }
    if (line.words.empty() &&
        (letter == 'G' || letter == 'M' || letter == 'T')) {
      // The command: G1, M104, T0 ...; "G01" and "g1" mean G1. A line that
      // starts with another letter (X10 Y5, S500) continues the modal motion.
      line.command = absl::StrCat(std::string(1, letter), FormatNumber(value));
      line.words.push_back({letter, value});
      parts.push_back(line.command);
      if (TakesText(line.command)) {
        line.text = std::string(absl::StripAsciiWhitespace(body.substr(i)));
        if (!line.text.empty()) parts.push_back(line.text);
        break;
      }
      continue;
    }
    line.words.push_back({letter, value});
    parts.push_back(absl::StrCat(std::string(1, letter), FormatNumber(value)));
  }
  line.code = absl::StrJoin(parts, " ");
  return line;
}

std::vector<Line> ParseProgram(absl::string_view text) {
  std::vector<Line> out;
  int64_t number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == absl::string_view::npos) nl = text.size();
    out.push_back(ParseLine(text.substr(pos, nl - pos), ++number));
    pos = nl + 1;
  }
  return out;
}

}  // namespace werkbank::gcode
