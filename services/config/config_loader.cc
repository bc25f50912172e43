// SPDX-License-Identifier: EUPL-1.2
// Parsing, validation and defaults for the daemon's config; see
// config_loader.h.
#include "config_loader.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "checker.h"
#include "date/tz.h"
#include "drivers/gcode/analysis.h"
#include "drivers/gcode/line.h"
#include "interlock_names.h"
#include "machine_limits.h"
#include "numbers.h"
#include "webhooks_config.h"

namespace werkbank::config {
namespace {

using google::protobuf::TextFormat;

class CollectErrors : public google::protobuf::io::ErrorCollector {
 public:
  explicit CollectErrors(absl::string_view source) : source_(source) {}
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    errors.push_back(absl::StrCat(source_, ":", line + 1, ":", column + 1, ": ",
                                  message, Hint(message)));
  }
  void AddWarning(int line, google::protobuf::io::ColumnNumber column,
                  const std::string& message) override {
    AddError(line, column, message);
  }
  std::vector<std::string> errors;

 private:
  // The parser names a wrong enum value but not the valid ones; older
  // configs wrote interlocks as quoted strings.
  static std::string Hint(const std::string& message) {
    if (absl::StrContains(message, "Unknown enumeration value")) {
      if (absl::StrContains(message, "field \"kind\"")) {
        return absl::StrCat(" (an interlock's kind is one of ",
                            InterlockKindChoices(), ")");
      }
      if (absl::StrContains(message, "field \"events\"")) {
        return " (a webhook's events are JOB_STARTED, JOB_FINISHED, "
               "JOB_FAILED, JOB_CANCELLED, JOB_HELD, INTERLOCK_TRIPPED, "
               "MACHINE_FAULT, MACHINE_EMERGENCY_STOP, BOOKING_REMINDER)";
      }
      if (absl::StrContains(message, "field \"action\"")) {
        return absl::StrCat(" (an interlock's action is one of ",
                            InterlockActionChoices(), ")");
      }
    }
    if (absl::StrContains(message, "Expected integer or identifier")) {
      return " (enum values are written without quotes, e.g. kind: DOOR "
             "action: HOLD)";
    }
    return "";
  }
  std::string source_;
};

const std::regex& NamePattern() {
  static const std::regex kName("[a-z0-9][a-z0-9_-]{0,31}");
  return kName;
}

void CheckOpeningHours(Checker& c, v1::Config& cfg) {
  if (cfg.opening_hours_size() == 0) {
    c.Error(cfg, "opening_hours",
            "at least one opening_hours block is needed, e.g. opening_hours { "
            "days: [MONDAY] open: \"09:00\" close: \"18:00\" }");
    return;
  }
  // Per weekday, the intervals seen so far, for the overlap check.
  std::vector<std::pair<int, int>> by_day[8];
  for (int i = 0; i < cfg.opening_hours_size(); ++i) {
    const v1::OpeningHours& oh = cfg.opening_hours(i);
    Checker::Scope scope(c, cfg, "opening_hours", i);
    auto open = ParseClockMinutes(oh.open());
    auto close = ParseClockMinutes(oh.close());
    if (!open.ok()) c.Error(oh, "open", std::string(open.status().message()));
    if (!close.ok())
      c.Error(oh, "close", std::string(close.status().message()));
    if (oh.days_size() == 0) {
      c.Error(oh, "days",
              "name at least one day, e.g. days: [MONDAY, TUESDAY]");
    }
    if (!open.ok() || !close.ok()) continue;
    if (*open >= *close) {
      c.Error(oh, "close",
              absl::StrCat("closing time ", oh.close(),
                           " is not after opening time ", oh.open()));
      continue;
    }
    for (int d = 0; d < oh.days_size(); ++d) {
      const int day = oh.days(d);
      if (day < 1 || day > 7) {
        c.Error(oh, "days", "WEEKDAY_UNSPECIFIED is not a day", d);
        continue;
      }
      for (auto [o, cl] : by_day[day]) {
        if (*open < cl && o < *close) {
          c.Error(oh, "days",
                  absl::StrCat("opening hours ", oh.open(), "-", oh.close(),
                               " on ", v1::Weekday_Name(day),
                               " overlap another opening_hours block"),
                  d);
        }
      }
      by_day[day].push_back({*open, *close});
    }
  }
}

void CheckClasses(Checker& c, v1::Config& cfg, std::set<std::string>& names) {
  if (cfg.machine_classes_size() == 0) {
    c.Error(cfg, "machine_classes",
            "define at least one machine class, e.g. machine_classes { name: "
            "\"laser\" }");
  }
  for (int i = 0; i < cfg.machine_classes_size(); ++i) {
    v1::MachineClassConfig& mc = *cfg.mutable_machine_classes(i);
    Checker::Scope scope(c, cfg, "machine_classes", i);
    if (!std::regex_match(mc.name(), NamePattern())) {
      c.Error(mc, "name",
              absl::StrCat("\"", mc.name(),
                           "\" is not a valid class name; use 1-32 "
                           "of a-z, 0-9, _ and -"));
    } else if (!names.insert(mc.name()).second) {
      c.Error(mc, "name",
              absl::StrCat("class \"", mc.name(), "\" is defined twice"));
    }
    if (mc.display_name().empty()) mc.set_display_name(mc.name());
    ApplyNumberRules(c, mc, {{"qualification_valid_days", 365, 1, 3650}});
    v1::BookingRulesConfig& b = *mc.mutable_booking();
    Checker::Scope rules(c, mc, "booking", -1);
    // 0 means something for the last three: cancel until the start, release
    // a no-show at the start, check in from the start.
    ApplyNumberRules(c, b,
                     {{"slot_minutes", 30, 1, 1440},
                      {"max_length_minutes", 180, 1, 7 * 1440},
                      {"max_future_bookings", 3, 1, 1000},
                      {"horizon_days", 28, 1, 366},
                      {"cancel_deadline_minutes", 60, 0, 7 * 1440},
                      {"no_show_release_minutes", 15, 0, 1440},
                      {"check_in_early_minutes", 15, 0, 1440}});
    if (b.no_show_release_minutes() == 0 && b.check_in_early_minutes() == 0) {
      c.Error(b, "no_show_release_minutes",
              "with check_in_early_minutes 0 as well, check-in opens at the "
              "very moment a booking is released as a no-show; allow a few "
              "minutes for one of them");
    }
    if (b.slot_minutes() > 0 && 1440 % b.slot_minutes() != 0) {
      c.Error(b, "slot_minutes",
              absl::StrCat("must divide a day (1440 minutes) evenly, e.g. 15, "
                           "30 or 60; not ",
                           b.slot_minutes()));
    }
  }
}

// Script lines go to the machine as they are written, so each must be one
// line the firmware can take: printable ASCII, no line breaks, within its
// line buffer (GRBL's is 80 characters; Marlin's 96 must also hold the line
// number and checksum werkbank adds, so 80 for both). On GRBL a cancel or a
// stop is a soft reset, after which the controller is in its safe state and
// takes no queued lines: cancel and safe_state scripts are refused there rather
// than silently not sent.
// What keeps `line` from being sent as one script line, if anything.
std::optional<std::string> ScriptLineProblem(const std::string& line) {
  constexpr size_t kLimit = 80;
  if (line.find_first_not_of(' ') == std::string::npos) {
    return "an empty line; leave it out";
  }
  if (!std::all_of(line.begin(), line.end(),
                   [](char ch) { return ch >= 0x20 && ch <= 0x7e; })) {
    return "only printable ASCII, one G-code line per entry (no line breaks "
           "or control characters)";
  }
  if (line.size() > kLimit) {
    return absl::StrCat("the line has ", line.size(),
                        " characters; the firmware takes at most ", kLimit);
  }
  return std::nullopt;
}

void CheckScripts(Checker& c, v1::MachineConfig& m) {
  if (!m.has_scripts()) return;
  const v1::Scripts& scripts = m.scripts();
  Checker::Scope scope(c, m, "scripts", -1);
  const std::pair<absl::string_view,
                  const google::protobuf::RepeatedPtrField<std::string>*>
      fields[] = {{"start", &scripts.start()},
                  {"cancel", &scripts.cancel()},
                  {"safe_state", &scripts.safe_state()}};
  for (const auto& [field, lines] : fields) {
    if (lines->empty()) continue;
    if (m.protocol() == "grbl" && field != "start") {
      c.Error(scripts, field,
              "a GRBL machine is stopped with a soft reset, which leaves it "
              "in its safe state (laser off) and drops queued lines; werkbank "
              "sends no lines after it, so leave this script out",
              0);
      continue;
    }
    bool sendable = true;
    for (int k = 0; k < lines->size(); ++k) {
      if (auto problem = ScriptLineProblem(lines->Get(k))) {
        c.Error(scripts, field, *problem, k);
        sendable = false;
      }
    }
    // The machine's own lines pass the same preflight as every job's: no
    // forbidden command, no temperature or power above the limits.
    if (!sendable || (m.protocol() != "marlin" && m.protocol() != "grbl")) {
      continue;
    }
    const gcode::Analysis analysis = gcode::Analyze(
        gcode::ParseProgram(absl::StrJoin(*lines, "\n")), LimitsOf(m));
    for (const gcode::Violation& v : analysis.violations) {
      c.Error(scripts, field,
              absl::StrCat("fails the machine's preflight (", v.rule,
                           "): ", v.message),
              static_cast<int>(v.line) - 1);
    }
  }
}

// Preflight limits. A heater limit of 0 °C is a machine that must not heat
// (no heated bed); a laser limited to S0 could not cut, so that is refused.
void CheckLimits(Checker& c, v1::MachineConfig& m) {
  if (!m.has_limits()) return;
  v1::Limits& l = *m.mutable_limits();
  Checker::Scope scope(c, m, "limits", -1);
  ApplyNumberRules(c, l,
                   {{"max_laser_power", std::nullopt,
                     m.protocol() == "grbl" ? 1.0 : 0.0, 1e6},
                    {"max_hotend_c", std::nullopt, 0, 500},
                    {"max_bed_c", std::nullopt, 0, 200},
                    {"max_beam_on_move_seconds", std::nullopt, 0.5, 600}});
}

// Motion settings: the firmware's factory defaults for what is not written
// (GRBL 1.1's $110-$112 and $120-$122, Marlin 2's M203 and M201); a rate or
// an acceleration of 0 is refused.
// Motion figures stay unset where the config gives none: the machine's own
// (GRBL's `$$`) or the firmware's factory defaults fill them in (LimitsOf).
void CheckMotion(Checker& c, v1::MachineConfig& m) {
  v1::Motion& motion = *m.mutable_motion();
  Checker::Scope scope(c, m, "motion", -1);
  ApplyNumberRules(c, motion,
                   {{"junction_deviation_mm", std::nullopt, 0.001, 5}});
  {
    Checker::Scope axes(c, motion, "max_rate_mm_min", -1);
    ApplyNumberRules(c, *motion.mutable_max_rate_mm_min(),
                     {{"x", std::nullopt, 1, 1e6},
                      {"y", std::nullopt, 1, 1e6},
                      {"z", std::nullopt, 1, 1e6}});
  }
  Checker::Scope axes(c, motion, "acceleration_mm_s2", -1);
  ApplyNumberRules(c, *motion.mutable_acceleration_mm_s2(),
                   {{"x", std::nullopt, 0.1, 1e6},
                    {"y", std::nullopt, 0.1, 1e6},
                    {"z", std::nullopt, 0.1, 1e6}});
}

void CheckMachines(Checker& c, v1::Config& cfg,
                   const std::set<std::string>& classes) {
  std::set<std::string> ids;
  for (int i = 0; i < cfg.machines_size(); ++i) {
    v1::MachineConfig& m = *cfg.mutable_machines(i);
    Checker::Scope scope(c, cfg, "machines", i);
    if (!std::regex_match(m.id(), NamePattern())) {
      c.Error(m, "id",
              absl::StrCat("\"", m.id(),
                           "\" is not a valid machine id; use 1-32 of "
                           "a-z, 0-9, _ and -"));
    } else if (!ids.insert(m.id()).second) {
      c.Error(m, "id",
              absl::StrCat("machine \"", m.id(), "\" is defined twice"));
    }
    if (m.name().empty()) m.set_name(m.id());
    if (!classes.contains(m.machine_class())) {
      c.Error(m, "machine_class",
              absl::StrCat(
                  "unknown machine class \"", m.machine_class(),
                  "\"; the config defines: ", absl::StrJoin(classes, ", ")));
    }
    if (m.protocol() != "marlin" && m.protocol() != "grbl") {
      c.Error(m, "protocol",
              absl::StrCat("\"", m.protocol(),
                           "\" is not a protocol; use \"marlin\" "
                           "(printers) or \"grbl\" (lasers)"));
    }
    if (!m.kind().empty() && m.kind() != "laser" && m.kind() != "printer") {
      c.Error(m, "kind",
              absl::StrCat("\"", m.kind(),
                           "\" is not a kind of machine; use \"laser\" or "
                           "\"printer\" (or leave it out: the protocol "
                           "decides)"));
    }
    if (m.port().empty()) {
      c.Error(m, "port",
              "give a device path such as \"/dev/werkbank-laser\", or "
              "\"sim:grbl\" / \"sim:marlin\" for a simulated machine");
    }
    ApplyNumberRules(c, m,
                     {{"baud", 115200, 1200, 4000000},
                      {"response_timeout_seconds",
                       m.protocol() == "grbl" ? 5.0 : 10.0, 0.5, 600},
                      {"probe_timeout_seconds", 5, 0.5, 600}});
    CheckLimits(c, m);
    CheckMotion(c, m);
    CheckScripts(c, m);
    for (int k = 0; k < m.interlocks_size(); ++k) {
      v1::InterlockConfig& il = *m.mutable_interlocks(k);
      Checker::Scope ils(c, m, "interlocks", k);
      using Il = v1::InterlockConfig;
      if (il.kind() == Il::KIND_UNSPECIFIED) {
        c.Error(il, "kind",
                absl::StrCat("name what the interlock watches: kind: one of ",
                             InterlockKindChoices()));
      }
      if (il.action() == Il::ACTION_UNSPECIFIED) il.set_action(Il::HOLD);
      ApplyNumberRules(c, il,
                       {{"presence_interval_seconds",
                         il.kind() == Il::PRESENCE ? std::optional<double>(120)
                                                   : std::nullopt,
                         1, 3600},
                        {"hold_before_end_minutes", std::nullopt, 0, 1440}});
      const bool confirmed_only =
          il.kind() == Il::EXTRACTION || il.kind() == Il::AIR_ASSIST;
      if (il.source().empty())
        il.set_source(confirmed_only ? "user" : "sensor");
      if (il.source() != "sensor" && il.source() != "user") {
        c.Error(il, "source", "use \"sensor\" or \"user\"");
      }
      // What werkbank can actually check: the door through GRBL's door pin;
      // extraction and air assist only by the user's confirmation (GRBL has
      // no input for them). A config that promises more is refused.
      if (confirmed_only && il.source() == "sensor") {
        c.Error(il, "source",
                "werkbank cannot read an extraction or air-assist sensor yet; "
                "use source: "
                "\"user\" (confirmed at job start)");
      }
      if (il.kind() == Il::DOOR &&
          (il.source() != "sensor" || m.protocol() != "grbl")) {
        c.Error(il, "kind",
                "the door interlock reads GRBL's door pin: it needs protocol "
                "\"grbl\" and "
                "source \"sensor\"");
      }
    }
  }
}

void CheckAndDefault(Checker& c, v1::Config& cfg) {
  if (cfg.lab_name().empty()) cfg.set_lab_name("werkbank lab");
  if (cfg.time_zone().empty()) {
    c.Error(cfg, "time_zone",
            "the lab's IANA time zone is required, e.g. time_zone: "
            "\"Europe/Berlin\"");
  } else {
    try {
      date::locate_zone(cfg.time_zone());
    } catch (const std::exception&) {
      c.Error(
          cfg, "time_zone",
          absl::StrCat("\"", cfg.time_zone(),
                       "\" is not a time zone in the IANA database (is the "
                       "tzdata package installed?); e.g. \"Europe/Berlin\""));
    }
  }
  if (cfg.server().listen().empty()) {
    cfg.mutable_server()->set_listen("127.0.0.1:7443");
  }
  {
    Checker::Scope scope(c, cfg, "server", -1);
    ApplyNumberRules(c, *cfg.mutable_server(),
                     {{"max_streams_per_user", 8, 1, 64},
                      {"max_streams_total", 96, 24, 192},
                      {"upload_idle_seconds", 30, 1, 3600},
                      {"max_connections", 256, 16, 65536},
                      {"max_connections_per_address", 32, 1, 65536},
                      {"handshake_timeout_seconds", 5, 1, 120}});
  }
  if (cfg.web().listen().empty()) cfg.mutable_web()->set_listen("0.0.0.0:8443");
  if (cfg.web().app_dir().empty()) {
    cfg.mutable_web()->set_app_dir("/usr/share/werkbank/web");
  }
  {
    Checker::Scope scope(c, cfg, "web", -1);
    if (cfg.web().listen().rfind(':') == std::string::npos) {
      c.Error(cfg.web(), "listen",
              absl::StrCat("\"", cfg.web().listen(),
                           "\" is not host:port, e.g. \"0.0.0.0:8443\""));
    }
    ApplyNumberRules(c, *cfg.mutable_web(),
                     {{"max_connections", 256, 1, 65536},
                      {"max_streams", 64, 1, 1024},
                      {"max_request_bytes", 1 << 20, 1024, 64 << 20},
                      {"header_timeout_seconds", 10, 1, 300},
                      {"idle_timeout_seconds", 60, 1, 3600}});
  }
  {
    // A delay from the first failed login is a choice; a lockout of 0
    // minutes or after 0 failures is not.
    Checker::Scope scope(c, cfg, "accounts", -1);
    ApplyNumberRules(c, *cfg.mutable_accounts(),
                     {{"token_ttl_seconds", 43200, 1, 90 * 24 * 3600},
                      {"failed_logins_before_delay", 3, 0, 100},
                      {"failed_logins_before_lockout", 10, 1, 1000},
                      {"lockout_minutes", 15, 1, 1440}});
  }
  {
    // Heaters off at once when a print pauses is a choice; no uploads or a
    // staff unlock of 0 minutes is not.
    Checker::Scope scope(c, cfg, "jobs", -1);
    ApplyNumberRules(c, *cfg.mutable_jobs(),
                     {{"max_upload_bytes", 50 << 20, 1024, 1LL << 31},
                      {"paused_heaters_off_minutes", 15, 0, 1440},
                      {"max_pending_jobs_per_user", 20, 1, 1000},
                      {"staff_unlock_minutes", 240, 1, 1440},
                      {"max_open_service_requests_per_user", 3, 1, 100}});
  }
  {
    Checker::Scope scope(c, cfg, "backups", -1);
    ApplyNumberRules(c, *cfg.mutable_backups(), {{"keep", 7, 1, 365}});
  }
  {
    // 0 months: never anonymise by age; a group of one is no protection.
    Checker::Scope scope(c, cfg, "privacy", -1);
    ApplyNumberRules(
        c, *cfg.mutable_privacy(),
        {{"inactive_months", 24, 0, 240}, {"min_group_size", 5, 2, 100}});
  }
  CheckOpeningHours(c, cfg);
  std::set<std::string> classes;
  CheckClasses(c, cfg, classes);
  CheckMachines(c, cfg, classes);
  CheckWebhooks(c, cfg);
}

// A webhook's inline secret as a comment: "# secret: (set, 24 characters)".
// The output may end up in a ticket or a chat; the key must not. Read back
// as a config, the webhook then lacks its secret and says so.
class SecretPrinter : public TextFormat::FastFieldValuePrinter {
 public:
  using FastFieldValuePrinter::PrintFieldName;
  void PrintFieldName(const google::protobuf::Message& message,
                      const google::protobuf::Reflection* reflection,
                      const google::protobuf::FieldDescriptor* field,
                      TextFormat::BaseTextGenerator* generator) const override {
    generator->PrintLiteral("# ");
    FastFieldValuePrinter::PrintFieldName(message, reflection, field,
                                          generator);
  }
  void PrintString(const std::string& value,
                   TextFormat::BaseTextGenerator* generator) const override {
    generator->PrintString(
        absl::StrCat("(set, ", value.size(), " characters)"));
  }
};

}  // namespace

absl::StatusOr<int> ParseClockMinutes(absl::string_view hhmm) {
  static const std::regex kClock("([01][0-9]|2[0-4]):([0-5][0-9])");
  std::match_results<absl::string_view::const_iterator> m;
  if (!std::regex_match(hhmm.begin(), hhmm.end(), m, kClock)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", hhmm, "\" is not a time of day; write HH:MM, e.g. \"09:00\""));
  }
  const int minutes = std::stoi(m[1].str()) * 60 + std::stoi(m[2].str());
  if (minutes > 1440) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", hhmm, "\" is past the end of the day (24:00)"));
  }
  return minutes;
}

absl::StatusOr<v1::Config> ParseConfig(absl::string_view text,
                                       absl::string_view source) {
  v1::Config cfg;
  TextFormat::Parser parser;
  CollectErrors collect(source);
  TextFormat::ParseInfoTree tree;
  parser.RecordErrorsTo(&collect);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(std::string(text), &cfg)) {
    if (collect.errors.empty()) {
      collect.errors.push_back(absl::StrCat(source, ": cannot be parsed"));
    }
    return absl::InvalidArgumentError(absl::StrJoin(collect.errors, "\n"));
  }
  Checker checker(source, &tree);
  CheckAndDefault(checker, cfg);
  if (!checker.errors.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(checker.errors, "\n"));
  }
  return cfg;
}

absl::StatusOr<v1::Config> LoadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read config file ", path,
                                            ": ", std::strerror(errno)));
  }
  std::stringstream buf;
  buf << in.rdbuf();
  return ParseConfig(buf.str(), path);
}

std::string PrintConfig(const v1::Config& config) {
  TextFormat::Printer printer;
  // Owned by the printer from here on.
  printer.RegisterFieldValuePrinter(
      v1::WebhookConfig::descriptor()->FindFieldByName("secret"),
      new SecretPrinter());
  std::string out;
  printer.PrintToString(config, &out);
  return out;
}

}  // namespace werkbank::config
