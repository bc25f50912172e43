// SPDX-License-Identifier: EUPL-1.2
// The funders' report as the CLI writes it: every hidden cell reads "×" in
// the text, the CSV and the printable page of either language, with one
// legend sentence that covers both reasons for hiding. Even an answer that
// still says which hidden cell is the small one (a daemon before the field
// was retired) is printed so that nobody can tell.
#include "impact_labels.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "impact_csv.h"
#include "impact_html.h"

namespace werkbank::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::ImpactCell Shown(double value) {
  v1::ImpactCell c;
  c.set_value(value);
  return c;
}

v1::ImpactCell Hidden(bool secondary) {
  v1::ImpactCell c;
  c.set_suppressed(true);
  c.set_secondary(secondary);
  return c;
}

// A school class of 12 and a club of 3; the club is hidden for its size and
// the total so that the club cannot be worked out.
v1::ImpactReport ClubReport() {
  v1::ImpactReport r;
  r.set_lab_name("Werkstatt Nord");
  r.set_min_group_size(5);
  r.mutable_range()->mutable_start()->set_seconds(1767222000);  // 2026-01-01
  r.mutable_range()->mutable_end()->set_seconds(1798758000);    // 2027-01-01
  auto* t = r.add_tables();
  t->set_name("visits_by_group");
  t->set_totals(true);
  t->add_columns("visits");
  t->add_columns("people");
  auto row = [&](const std::string& key, v1::ImpactCell visits,
                 v1::ImpactCell people) {
    auto* x = t->add_rows();
    x->set_key(key);
    *x->add_cells() = visits;
    *x->add_cells() = people;
  };
  row("school_class", Shown(1), Shown(12));
  row("club", Shown(1), Hidden(false));
  row("total", Shown(2), Hidden(true));
  return r;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

TEST(ImpactLabelsTest, EveryHiddenCellGetsTheSameMark) {
  EXPECT_EQ(CellText(Hidden(false)), "×");
  EXPECT_EQ(CellText(Hidden(true)), "×");
  EXPECT_EQ(CellText(Shown(12)), "12");
  EXPECT_EQ(CellText(Shown(2.5)), "2.5");
}

TEST(ImpactLabelsTest, TheLegendCoversBothReasonsInOneSentence) {
  EXPECT_EQ(HiddenNote(5, Lang::kEnglish),
            "× hidden: a figure about fewer than 5 people, or one from which "
            "such a figure could be worked out. Only aggregates; nobody is "
            "named.");
  EXPECT_EQ(HiddenNote(10, Lang::kGerman),
            "× verborgen: eine Angabe zu weniger als 10 Personen oder eine, "
            "aus der sich eine solche errechnen ließe. Nur zusammengefasste "
            "Zahlen; niemand wird genannt.");
}

TEST(ImpactLabelsTest, ThePrintablePageShowsOnlyTheMark) {
  auto time = LabTime::ForZone("Europe/Berlin");
  ASSERT_TRUE(time.ok());
  for (Lang lang : {Lang::kEnglish, Lang::kGerman}) {
    const std::string html = ImpactHtml(ClubReport(), *time, lang);
    EXPECT_THAT(html, HasSubstr(HtmlEscape(HiddenNote(5, lang))));
    EXPECT_THAT(html, HasSubstr("<td>1</td><td>×</td></tr><tr class=\"total\">"
                                "<td>"));
    EXPECT_THAT(html, HasSubstr("<td>2</td><td>×</td></tr>"));
    EXPECT_THAT(html, Not(HasSubstr("&lt;5")));
    EXPECT_THAT(html, Not(HasSubstr("<5")));
  }
}

TEST(ImpactLabelsTest, TheCsvShowsOnlyTheMark) {
  auto time = LabTime::ForZone("Europe/Berlin");
  ASSERT_TRUE(time.ok());
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / "impact_labels_csv";
  std::filesystem::remove_all(dir);
  auto files = WriteImpactCsv(ClubReport(), *time, dir.string());
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(ReadFile((dir / "visits_by_group.csv").string()),
            "key,visits,people\n"
            "school_class,1,12\n"
            "club,1,×\n"
            "total,2,×\n");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace werkbank::cli
