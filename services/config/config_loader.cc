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

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "date/tz.h"
#include "drivers/gcode/analysis.h"
#include "drivers/gcode/line.h"
#include "machine_limits.h"

namespace werkbank::config {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::TextFormat;

class CollectErrors : public google::protobuf::io::ErrorCollector {
 public:
  explicit CollectErrors(absl::string_view source) : source_(source) {}
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    errors.push_back(
        absl::StrCat(source_, ":", line + 1, ":", column + 1, ": ", message));
  }
  void AddWarning(int line, google::protobuf::io::ColumnNumber column,
                  const std::string& message) override {
    AddError(line, column, message);
  }
  std::vector<std::string> errors;

 private:
  std::string source_;
};

// Walks the parsed config alongside the parser's location tree, so that each
// error can point at the line where the offending field was written.
class Checker {
 public:
  Checker(absl::string_view source, const TextFormat::ParseInfoTree* tree)
      : source_(source), tree_(tree) {}

  // Scope for a nested message field, e.g. machines[1].
  class Scope {
   public:
    Scope(Checker& c, const Message& parent, absl::string_view field, int index)
        : c_(c), saved_tree_(c.tree_), saved_path_(c.path_) {
      const FieldDescriptor* f =
          parent.GetDescriptor()->FindFieldByName(std::string(field));
      saved_line_ = c.line_;
      c.line_ = c.Locate(parent, field, index);
      if (c.tree_ != nullptr && f != nullptr) {
        c.tree_ = c.tree_->GetTreeForNested(f, f->is_repeated() ? index : -1);
      }
      c.path_ = c.Join(field, index);
    }
    ~Scope() {
      c_.tree_ = saved_tree_;
      c_.path_ = saved_path_;
      c_.line_ = saved_line_;
    }

   private:
    Checker& c_;
    const TextFormat::ParseInfoTree* saved_tree_;
    std::string saved_path_;
    std::string saved_line_;
  };

  void Error(const Message& msg, absl::string_view field, std::string problem,
             int index = -1) {
    std::string where = Locate(msg, field, index);
    if (where.empty()) where = line_;
    if (where.empty()) where = absl::StrCat(source_, ":");
    errors.push_back(
        absl::StrCat(where, " ", Join(field, index), ": ", problem));
  }

  std::vector<std::string> errors;

 private:
  std::string Join(absl::string_view field, int index) const {
    std::string p =
        path_.empty() ? std::string(field) : absl::StrCat(path_, ".", field);
    if (index >= 0) absl::StrAppend(&p, "[", index, "]");
    return p;
  }

  // "source:line:col:" for the field, or "" when it was not written.
  std::string Locate(const Message& msg, absl::string_view field,
                     int index) const {
    if (tree_ == nullptr) return "";
    const FieldDescriptor* f =
        msg.GetDescriptor()->FindFieldByName(std::string(field));
    if (f == nullptr) return "";
    auto loc =
        tree_->GetLocation(f, f->is_repeated() ? std::max(index, 0) : -1);
    if (loc.line < 0) return "";
    return absl::StrCat(source_, ":", loc.line + 1, ":", loc.column + 1, ":");
  }

  std::string source_;
  const TextFormat::ParseInfoTree* tree_;
  std::string path_;
  std::string line_;  // location of the enclosing message, as a fallback
};

const std::regex& NamePattern() {
  static const std::regex kName("[a-z0-9][a-z0-9_-]{0,31}");
  return kName;
}

// Proto3 has no presence for scalars: 0 means "not written", so take the
// default.
template <typename M>
void Default(M& msg, int32_t (M::*get)() const, void (M::*set)(int32_t),
             int32_t value) {
  if ((msg.*get)() == 0) (msg.*set)(value);
}

void CheckPositive(Checker& c, const Message& m, absl::string_view field,
                   int32_t value, int32_t max) {
  if (value < 0 || value > max) {
    c.Error(m, field,
            absl::StrCat("must be between 1 and ", max, ", not ", value));
  }
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
    Default(mc, &v1::MachineClassConfig::qualification_valid_days,
            &v1::MachineClassConfig::set_qualification_valid_days, 365);
    CheckPositive(c, mc, "qualification_valid_days",
                  mc.qualification_valid_days(), 3650);
    v1::BookingRulesConfig& b = *mc.mutable_booking();
    Checker::Scope rules(c, mc, "booking", -1);
    Default(b, &v1::BookingRulesConfig::slot_minutes,
            &v1::BookingRulesConfig::set_slot_minutes, 30);
    Default(b, &v1::BookingRulesConfig::max_length_minutes,
            &v1::BookingRulesConfig::set_max_length_minutes, 180);
    Default(b, &v1::BookingRulesConfig::max_future_bookings,
            &v1::BookingRulesConfig::set_max_future_bookings, 3);
    Default(b, &v1::BookingRulesConfig::horizon_days,
            &v1::BookingRulesConfig::set_horizon_days, 28);
    Default(b, &v1::BookingRulesConfig::cancel_deadline_minutes,
            &v1::BookingRulesConfig::set_cancel_deadline_minutes, 60);
    Default(b, &v1::BookingRulesConfig::no_show_release_minutes,
            &v1::BookingRulesConfig::set_no_show_release_minutes, 15);
    Default(b, &v1::BookingRulesConfig::check_in_early_minutes,
            &v1::BookingRulesConfig::set_check_in_early_minutes, 15);
    CheckPositive(c, b, "slot_minutes", b.slot_minutes(), 1440);
    CheckPositive(c, b, "max_length_minutes", b.max_length_minutes(), 7 * 1440);
    CheckPositive(c, b, "max_future_bookings", b.max_future_bookings(), 1000);
    CheckPositive(c, b, "horizon_days", b.horizon_days(), 366);
    CheckPositive(c, b, "cancel_deadline_minutes", b.cancel_deadline_minutes(),
                  7 * 1440);
    CheckPositive(c, b, "no_show_release_minutes", b.no_show_release_minutes(),
                  1440);
    CheckPositive(c, b, "check_in_early_minutes", b.check_in_early_minutes(),
                  1440);
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

void CheckMachines(Checker& c, v1::Config& cfg,
                   const std::set<std::string>& classes) {
  static const std::set<std::string> kInterlocks = {
      "door",    "extraction",  "air_assist",    "presence",
      "thermal", "reservation", "emergency_stop"};
  static const std::set<std::string> kActions = {"hold", "abort", "estop"};
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
    if (m.port().empty()) {
      c.Error(m, "port",
              "give a device path such as \"/dev/werkbank-laser\", or "
              "\"sim:grbl\" / \"sim:marlin\" for a simulated machine");
    }
    Default(m, &v1::MachineConfig::baud, &v1::MachineConfig::set_baud, 115200);
    CheckScripts(c, m);
    for (int k = 0; k < m.interlocks_size(); ++k) {
      v1::InterlockConfig& il = *m.mutable_interlocks(k);
      Checker::Scope ils(c, m, "interlocks", k);
      if (!kInterlocks.contains(il.kind())) {
        c.Error(il, "kind",
                absl::StrCat("\"", il.kind(),
                             "\" is not an interlock; use one of: ",
                             absl::StrJoin(kInterlocks, ", ")));
      }
      if (il.action().empty()) il.set_action("hold");
      if (!kActions.contains(il.action())) {
        c.Error(il, "action",
                absl::StrCat("\"", il.action(),
                             "\" is not an action; use hold, abort or estop"));
      }
      if (il.source().empty()) {
        il.set_source(il.kind() == "extraction" || il.kind() == "air_assist"
                          ? "user"
                          : "sensor");
      }
      if (il.source() != "sensor" && il.source() != "user") {
        c.Error(il, "source", "use \"sensor\" or \"user\"");
      }
      // What werkbank can actually check: the door through GRBL's door pin;
      // extraction and air assist only by the user's confirmation (GRBL has
      // no input for them). A config that promises more is refused.
      if ((il.kind() == "extraction" || il.kind() == "air_assist") &&
          il.source() == "sensor") {
        c.Error(il, "source",
                "werkbank cannot read an extraction or air-assist sensor yet; "
                "use source: "
                "\"user\" (confirmed at job start)");
      }
      if (il.kind() == "door" &&
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
  Default(*cfg.mutable_server(), &v1::ServerConfig::max_streams_per_user,
          &v1::ServerConfig::set_max_streams_per_user, 8);
  {
    Checker::Scope scope(c, cfg, "server", -1);
    CheckPositive(c, cfg.server(), "max_streams_per_user",
                  cfg.server().max_streams_per_user(), 64);
  }
  v1::AccountPolicy& a = *cfg.mutable_accounts();
  Default(a, &v1::AccountPolicy::token_ttl_seconds,
          &v1::AccountPolicy::set_token_ttl_seconds, 43200);
  Default(a, &v1::AccountPolicy::failed_logins_before_delay,
          &v1::AccountPolicy::set_failed_logins_before_delay, 3);
  Default(a, &v1::AccountPolicy::failed_logins_before_lockout,
          &v1::AccountPolicy::set_failed_logins_before_lockout, 10);
  Default(a, &v1::AccountPolicy::lockout_minutes,
          &v1::AccountPolicy::set_lockout_minutes, 15);
  {
    Checker::Scope scope(c, cfg, "accounts", -1);
    CheckPositive(c, a, "token_ttl_seconds", a.token_ttl_seconds(),
                  90 * 24 * 3600);
    CheckPositive(c, a, "failed_logins_before_delay",
                  a.failed_logins_before_delay(), 100);
    CheckPositive(c, a, "failed_logins_before_lockout",
                  a.failed_logins_before_lockout(), 1000);
    CheckPositive(c, a, "lockout_minutes", a.lockout_minutes(), 1440);
  }
  v1::JobsConfig& jobs = *cfg.mutable_jobs();
  if (jobs.max_upload_bytes() == 0) jobs.set_max_upload_bytes(50LL << 20);
  Default(jobs, &v1::JobsConfig::paused_heaters_off_minutes,
          &v1::JobsConfig::set_paused_heaters_off_minutes, 15);
  Default(jobs, &v1::JobsConfig::max_pending_jobs_per_user,
          &v1::JobsConfig::set_max_pending_jobs_per_user, 20);
  Default(jobs, &v1::JobsConfig::staff_unlock_minutes,
          &v1::JobsConfig::set_staff_unlock_minutes, 240);
  if (jobs.max_upload_bytes() < 1024 || jobs.max_upload_bytes() > (1LL << 31)) {
    Checker::Scope scope(c, cfg, "jobs", -1);
    c.Error(jobs, "max_upload_bytes", "must be between 1024 and 2147483648");
  }
  Default(*cfg.mutable_backups(), &v1::BackupConfig::keep,
          &v1::BackupConfig::set_keep, 7);
  CheckOpeningHours(c, cfg);
  std::set<std::string> classes;
  CheckClasses(c, cfg, classes);
  CheckMachines(c, cfg, classes);
}

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
  std::string out;
  TextFormat::PrintToString(config, &out);
  return out;
}

}  // namespace werkbank::config
