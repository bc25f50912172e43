// SPDX-License-Identifier: EUPL-1.2
// The printable report; see impact_html.h.
#include "impact_html.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli.h"

namespace werkbank::cli {
namespace {

constexpr char kStyle[] = R"css(
body { font-family: sans-serif; color: #222; max-width: 48em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #999; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
tr.total td { font-weight: bold; }
.note { font-size: 0.85em; color: #555; }
.key { font-size: 1.1em; margin: 0.8em 0; }
section { break-inside: avoid; page-break-inside: avoid; }
svg text { font-family: sans-serif; font-size: 11px; fill: #222; }
@page { size: A4; margin: 18mm; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }
)css";

// A horizontal bar per row: the row's total (or its only value); a hidden
// figure gets no bar, only its text.
std::string BarChart(const v1::ImpactTable& t, Lang lang, size_t column) {
  std::vector<std::pair<std::string, const v1::ImpactCell*>> bars;
  for (const auto& row : t.rows()) {
    if (row.key() == "total" || column >= static_cast<size_t>(row.cells_size()))
      continue;
    bars.emplace_back(Label(row.key(), lang), &row.cells(column));
  }
  if (bars.empty()) return "";
  double max = 0;
  for (const auto& [label, cell] : bars) {
    if (!cell->suppressed()) max = std::max(max, cell->value());
  }
  constexpr int kLabelWidth = 170, kBarWidth = 330, kRow = 20;
  const int height = static_cast<int>(bars.size()) * kRow + 4;
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "role=\"img\">",
      kLabelWidth + kBarWidth + 60, height);
  for (size_t i = 0; i < bars.size(); ++i) {
    const auto& [label, cell] = bars[i];
    const int y = static_cast<int>(i) * kRow + 2;
    absl::StrAppendFormat(&svg, "<text x=\"0\" y=\"%d\">%s</text>", y + 13,
                          HtmlEscape(label));
    int w = 0;
    if (!cell->suppressed() && max > 0) {
      w = static_cast<int>(kBarWidth * cell->value() / max);
      absl::StrAppendFormat(
          &svg,
          "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
          "fill=\"#3a7ca5\"/>",
          kLabelWidth, y + 2, std::max(w, 1), kRow - 6);
    }
    absl::StrAppendFormat(&svg, "<text x=\"%d\" y=\"%d\">%s</text>",
                          kLabelWidth + w + 4, y + 13,
                          HtmlEscape(CellText(*cell)));
  }
  return svg + "</svg>";
}

std::string TableHtml(const v1::ImpactTable& t, Lang lang) {
  std::string html = "<table><thead><tr><th></th>";
  for (const auto& c : t.columns()) {
    absl::StrAppend(&html, "<th>", HtmlEscape(Label(c, lang)), "</th>");
  }
  html += "</tr></thead><tbody>";
  for (const auto& row : t.rows()) {
    absl::StrAppend(&html,
                    row.key() == "total" ? "<tr class=\"total\">" : "<tr>",
                    "<td>", HtmlEscape(Label(row.key(), lang)), "</td>");
    for (const auto& cell : row.cells()) {
      absl::StrAppend(&html, "<td>", HtmlEscape(CellText(cell)), "</td>");
    }
    html += "</tr>";
  }
  return html + "</tbody></table>";
}

// The share of first visits, when both of its figures are shown.
std::string FirstTimeShare(const v1::ImpactReport& r, Lang lang) {
  for (const auto& t : r.tables()) {
    if (t.name() != "first_time" || t.rows_size() < 3) continue;
    const auto& first = t.rows(0).cells(0);
    const auto& total = t.rows(2).cells(0);
    if (first.suppressed() || total.suppressed() || total.value() <= 0) break;
    return absl::StrFormat("<p class=\"key\">%s: <b>%.0f %%</b></p>",
                           HtmlEscape(Label("first_time_share", lang)),
                           100 * first.value() / total.value());
  }
  return "";
}

}  // namespace

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string ImpactHtml(const v1::ImpactReport& r, const LabTime& time,
                       Lang lang) {
  const absl::Time start = FromTimestamp(r.range().start());
  const absl::Time end = FromTimestamp(r.range().end()) - absl::Seconds(1);
  std::string html = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"", lang == Lang::kGerman ? "de" : "en",
      "\"><head><meta charset=\"utf-8\"><title>", HtmlEscape(r.lab_name()),
      " — ", Label("title", lang), "</title><style>", kStyle,
      "</style></head><body>\n<h1>", HtmlEscape(r.lab_name()), "</h1><p>",
      Label("title", lang), " · ", Label("period", lang), ": ",
      HtmlEscape(time.Format(start).substr(0, 10)), " – ",
      HtmlEscape(time.Format(end).substr(0, 10)), "</p>\n<p class=\"note\">",
      HtmlEscape(HiddenNote(r.min_group_size(), lang)), "</p>\n",
      FirstTimeShare(r, lang));
  for (const auto& t : r.tables()) {
    absl::StrAppend(&html, "<section><h2>", HtmlEscape(Label(t.name(), lang)),
                    "</h2>\n");
    // The chart shows the row totals (or the people, or the only column).
    size_t column = static_cast<size_t>(std::max(t.columns_size() - 1, 0));
    for (int c = 0; c < t.columns_size(); ++c) {
      if (t.columns(c) == "total" || t.columns(c) == "people") column = c;
      if (t.columns(c) == "hours") {
        column = c;
        break;
      }
    }
    absl::StrAppend(&html, BarChart(t, lang, column), "\n", TableHtml(t, lang),
                    "</section>\n");
  }
  absl::StrAppend(&html, "<section><h2>", Label("workshops", lang),
                  "</h2><table><thead><tr><th>", Label("date", lang),
                  "</th><th>", Label("minutes", lang), "</th><th>",
                  Label("group", lang), "</th><th>", Label("classes", lang),
                  "</th><th>", Label("topic", lang),
                  "</th></tr></thead><tbody>");
  for (const auto& w : r.workshops()) {
    absl::StrAppend(
        &html, "<tr><td>",
        HtmlEscape(time.Format(FromTimestamp(w.start())).substr(0, 10)),
        "</td><td>", w.duration_minutes(), "</td><td>",
        HtmlEscape(Label(w.group_type(), lang)), "</td><td>",
        HtmlEscape(absl::StrJoin(w.machine_classes(), ", ")),
        "</td><td style=\"text-align:left\">", HtmlEscape(w.topic()),
        "</td></tr>");
  }
  html += "</tbody></table></section>\n</body></html>\n";
  return html;
}

}  // namespace werkbank::cli
