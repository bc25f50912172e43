// SPDX-License-Identifier: EUPL-1.2
// G-code tokenizer; see line.h.
#include "line.h"

#include <cctype>
#include <charconv>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

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

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// True when `t` is already what FormatNumber makes of its value: an optional
// '-', an integer part without leading zeros, at most 5 decimals without a
// trailing zero, and not "-0". (Below 1e9 a double keeps 5 decimals exactly
// enough for "%.5f" to give such text back, so the copy is the same string,
// without the cost of formatting; most numbers in real files are like this.)
bool IsCanonical(absl::string_view t) {
  size_t i = 0;
  const bool negative = !t.empty() && t[0] == '-';
  if (negative) ++i;
  const size_t int_start = i;
  while (i < t.size() && IsDigit(t[i])) ++i;
  const size_t int_length = i - int_start;
  if (int_length == 0 || int_length > 9 ||
      (int_length > 1 && t[int_start] == '0')) {
    return false;
  }
  if (i == t.size()) return !(negative && t[int_start] == '0');
  if (t[i] != '.') return false;
  const size_t decimals = t.size() - i - 1;
  if (decimals == 0 || decimals > 5 || t.back() == '0') return false;
  for (++i; i < t.size(); ++i) {
    if (!IsDigit(t[i])) return false;
  }
  return true;
}

// Appends `letter` and the number (as FormatNumber writes it) to `out`.
void AppendWord(std::string& out, char letter, absl::string_view text,
                double value) {
  out.push_back(letter);
  if (IsCanonical(text)) {
    out.append(text.data(), text.size());
  } else {
    out += FormatNumber(value);
  }
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
  // The code is built as the words are read: "G1 X10 Y5.5".
  line.code.reserve(body.size());
  while (true) {
    skip_space();
    if (i >= body.size()) break;
    const char letter =
        static_cast<char>(std::toupper(static_cast<unsigned char>(body[i])));
    if (letter < 'A' || letter > 'Z') {
      line.error = absl::StrCat("unexpected character '",
                                std::string(1, body[i]), "' in column ", i + 1);
      line.code.clear();  // a line in error sends nothing
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
    absl::string_view number(body.data() + start, i - start);
    if (!number.empty() && number[0] == '+') number.remove_prefix(1);
    double value = 0;
    auto [ptr, ec] =
        std::from_chars(number.data(), number.data() + number.size(), value);
    if (number.empty() || ec != std::errc() ||
        ptr != number.data() + number.size()) {
      line.error = absl::StrCat("letter ", std::string(1, letter),
                                " needs a number in column ", start + 1);
      line.code.clear();  // a line in error sends nothing
      return line;
    }
    // No machine needs numbers this large; refusing them also keeps every
    // later conversion to an integer defined.
    if (!std::isfinite(value) || std::abs(value) > 1e9) {
      line.error = absl::StrCat("the number after ", std::string(1, letter),
                                " in column ", start + 1, " is out of range");
      line.code.clear();  // a line in error sends nothing
      return line;
    }
    if (letter == 'N' && line.words.empty() && !line.n) {
      line.n = static_cast<int64_t>(value);
      continue;
    }
    if (!line.code.empty()) line.code.push_back(' ');
    if (line.words.empty() &&
        (letter == 'G' || letter == 'M' || letter == 'T')) {
      // The command: G1, M104, T0 ...; "G01" and "g1" mean G1. A line that
      // starts with another letter (X10 Y5, S500) continues the modal motion.
      AppendWord(line.code, letter, number, value);
      line.command = line.code;
      line.words.push_back({letter, value});
      if (TakesText(line.command)) {
        line.text = std::string(absl::StripAsciiWhitespace(body.substr(i)));
        if (!line.text.empty()) absl::StrAppend(&line.code, " ", line.text);
        break;
      }
      continue;
    }
    line.words.push_back({letter, value});
    AppendWord(line.code, letter, number, value);
  }
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
