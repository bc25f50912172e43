// SPDX-License-Identifier: EUPL-1.2
// Labels of the funders' report; see impact_labels.h.
#include "impact_labels.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"

namespace werkbank::cli {

std::string Label(const std::string& key, Lang lang) {
  static const auto* kLabels =
      new std::map<std::string, std::pair<const char*, const char*>>{
          // tables
          {"visits_by_group",
           {"Visits and people reached by group",
            "Besuche und erreichte Personen nach Gruppe"}},
          {"people_by_group_and_month",
           {"People reached by group and month",
            "Erreichte Personen nach Gruppe und Monat"}},
          {"people_by_age_band",
           {"People by age band and group",
            "Personen nach Altersgruppe und Gruppe"}},
          {"people_by_gender",
           {"People by gender", "Personen nach Geschlecht"}},
          {"first_time",
           {"First visit or returning", "Erstbesuch oder wiederkehrend"}},
          {"machine_hours_by_purpose",
           {"Machine hours by purpose", "Maschinenstunden nach Zweck"}},
          {"qualifications_by_class",
           {"People qualified per machine class",
            "Eingewiesene Personen je Maschinenklasse"}},
          {"workshops",
           {"Workshops and visits held",
            "Durchgeführte Workshops und Besuche"}},
          // rows and columns
          {"total", {"Total", "Summe"}},
          {"visits", {"Visits", "Besuche"}},
          {"people", {"People", "Personen"}},
          {"hours", {"Hours", "Stunden"}},
          {"school_class", {"School classes", "Schulklassen"}},
          {"club", {"Clubs", "Vereine"}},
          {"citizens", {"Citizens", "Bürgerinnen und Bürger"}},
          {"city_staff", {"City staff", "Stadtverwaltung"}},
          {"other", {"Other", "Sonstige"}},
          {"under_12", {"Under 12", "Unter 12"}},
          {"age_12_17", {"12–17", "12–17"}},
          {"age_18_29", {"18–29", "18–29"}},
          {"age_30_54", {"30–54", "30–54"}},
          {"age_55_plus", {"55 and over", "55 und älter"}},
          {"not_stated", {"Not stated", "Keine Angabe"}},
          {"not_recorded", {"Not recorded", "Nicht erfasst"}},
          {"female", {"Female", "Weiblich"}},
          {"male", {"Male", "Männlich"}},
          {"diverse", {"Diverse", "Divers"}},
          {"first_visit", {"First visit", "Erstbesuch"}},
          {"returning", {"Returning", "Wiederkehrend"}},
          {"personal", {"Personal projects", "Eigene Projekte"}},
          {"workshop", {"Workshops", "Workshops"}},
          {"print_service", {"Print service", "Druckservice"}},
          {"maintenance", {"Maintenance", "Wartung"}},
          // page
          {"title", {"Yearly report", "Jahresbericht"}},
          {"period", {"Period", "Zeitraum"}},
          {"first_time_share", {"First-time share", "Anteil Erstbesuche"}},
          {"suppressed_note",
           {"× hidden: a figure about fewer than %d people, or one from which "
            "such a figure could be worked out. Only aggregates; nobody is "
            "named.",
            "× verborgen: eine Angabe zu weniger als %d Personen oder eine, "
            "aus der sich eine solche errechnen ließe. Nur zusammengefasste "
            "Zahlen; niemand wird genannt."}},
          {"date", {"Date", "Datum"}},
          {"minutes", {"Minutes", "Minuten"}},
          {"group", {"Group", "Gruppe"}},
          {"topic", {"Topic", "Thema"}},
          {"classes", {"Machines", "Maschinen"}},
      };
  auto it = kLabels->find(key);
  if (it == kLabels->end()) return key;
  return lang == Lang::kGerman ? it->second.second : it->second.first;
}

std::string HiddenNote(int min_group_size, Lang lang) {
  return absl::StrReplaceAll(Label("suppressed_note", lang),
                             {{"%d", absl::StrCat(min_group_size)}});
}

std::string CellText(const v1::ImpactCell& cell) {
  if (cell.suppressed()) return kHiddenMark;
  const double v = cell.value();
  if (v == static_cast<int64_t>(v))
    return absl::StrCat(static_cast<int64_t>(v));
  return absl::StrFormat("%.1f", v);
}

}  // namespace werkbank::cli
