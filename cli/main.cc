// SPDX-License-Identifier: EUPL-1.2
// werkbank: the command-line client of werkbankd.
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli.h"

namespace werkbank::cli {
namespace {

constexpr char kHelp[] =
    R"(werkbank - the command-line client of the werkbank lab daemon

usage: werkbank [--server HOST:PORT] [--ca-file FILE] [--plaintext] [--json] COMMAND ...

Session
  login LOGIN [--password-stdin]        log in (the token is kept in ~/.config/werkbank)
  login --card UID [--pin-stdin]        log in with a card and PIN
  logout | whoami
  passwd [LOGIN] [--stdin]              change your password (staff: anyone's)

Users (staff; trainers may add participants)
  user add LOGIN [--name NAME] [--role participant|trainer|staff]... [--group GROUP] [--password-stdin]
  user list [--all] | user show LOGIN
  user update LOGIN [--name NAME] [--role ROLE]... [--group GROUP] [--reason TEXT]
  user disable|enable LOGIN [--reason TEXT]
  user card LOGIN --uid UID [--pin-stdin] | user card LOGIN --remove
  user revoke-sessions LOGIN
  user export [LOGIN] [--output FILE]   everything stored about you (staff: anyone) as JSON
  user anonymise LOGIN [--reason TEXT]  remove a person's name, login, card and notes (staff)

Trainings
  briefing record --class CLASS --participant LOGIN... [--at TIME] [--note TEXT]
  briefing list [--class CLASS]
  qual list [--user LOGIN] [--all]      qualifications (--all: also expired/revoked)
  qual revoke ID --reason TEXT

Bookings (times in the lab's time zone, e.g. "2026-11-27 10:00", or ISO 8601)
  lab                                    opening hours, machines, booking rules
  avail MACHINE [--from TIME] [--to TIME]
  book MACHINE --from TIME --to TIME [--note TEXT]
  book MACHINE --workshop --participant LOGIN... --from TIME --to TIME
  book (MACHINE | --class CLASS) --maintenance --from TIME --to TIME
  bookings [--all] [--machine MACHINE] [--past]
  cancel ID [--reason TEXT]
  checkin ID

Machines and jobs
  machines                               every machine's state
  unlock MACHINE [--reservation ID]      during your checked-in reservation
  lock MACHINE
  job upload MACHINE FILE [--dry-run]    store a program and run preflight
                                         (--dry-run: also `$C` on the laser)
  job start ID [--confirm extraction]... [--follow]
  job pause|resume|cancel|show ID [--follow]
  jobs [--all] [--machine MACHINE]
  here MACHINE                           confirm you are at the laser
  stop MACHINE [--reason TEXT]           emergency stop (staff, or the current user)
  watch [--count N]                      live table of the lab (staff, trainers)
  block MACHINE --reason TEXT | unblock MACHINE | ack MACHINE [--note TEXT]   (staff)

Print service (anyone asks; trainers and staff run or decline)
  service submit --class CLASS [--note TEXT] FILE   ask the lab to print FILE
  service list [--state STATE] [--class CLASS] [--mine]
                                         yours; trainers and staff: the queue
  service show ID | service withdraw ID
  service start ID --machine MACHINE [--confirm INTERLOCK]...
                                         on a machine you unlocked (trainers, staff)
  service decline ID --reason TEXT       the person who asked sees the reason

Reports
  report --from DATE --to DATE [--csv]   the lab's figures (trainers, staff)
  report --from DATE --to DATE --per-user  per-user CSV (staff; audited)
  report --year YEAR [--csv DIR] [--html FILE [--lang de|en]]
                                         the funders' report: reach, visits, workshops,
                                         ESF+ categories; groups under the minimum hidden
  visit record --at TIME --minutes N --group TYPE --count N [--class CLASS]...
        [--ages U12,12-17,18-29,30-54,55+,NS] [--genders F,M,D,NS] [--first N] [--topic TEXT]
  visit from-reservation ID --group TYPE [--count N] [--ages ...] [--first N]
  visit list [--from DATE --to DATE] | visit delete ID [--reason TEXT]
  bookings export --ics [--machine M] [--output FILE]   your bookings as a calendar

API keys (for slicers: PrusaSlicer, Cura, OrcaSlicer as "OctoPrint")
  apikey create --label TEXT             a new key, shown once
  apikey list [--user LOGIN]             your keys (staff: anyone's)
  apikey revoke ID                       your keys (staff: anyone's)

Administration (staff)
  admin backup FILE                      online copy of the database

Audit (staff)
  audit verify                           check the hash chain of the audit log
  audit list [--after ID] [--limit N] [--subject PREFIX]

The server is --server, else $WERKBANK_SERVER, else the one you last logged in
to, else 127.0.0.1:7443. Its certificate is pinned on first use; --ca-file
verifies against a CA instead.
)";

}  // namespace

int Main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  Args args(words, {"plaintext", "json", "password-stdin", "pin-stdin", "stdin",
                    "all", "remove", "workshop", "maintenance", "past", "help",
                    "follow", "csv", "per-user", "ics", "dry-run", "mine"});
  auto command = args.Next();
  if (!command || *command == "help" || args.Flag("help")) {
    std::cout << kHelp;
    return command ? kOk : kUsage;
  }
  ConnectionOptions options;
  options.server = args.Option("server").value_or("");
  options.ca_file = args.Option("ca-file").value_or("");
  options.plaintext = args.Flag("plaintext");
  const bool json = args.Flag("json");

  static const std::map<std::string, int (*)(Cli&)> kCommands = {
      {"login", CmdLogin},       {"logout", CmdLogout},
      {"whoami", CmdWhoAmI},     {"passwd", CmdPasswd},
      {"user", CmdUser},         {"briefing", CmdBriefing},
      {"qual", CmdQual},         {"lab", CmdLab},
      {"avail", CmdAvail},       {"book", CmdBook},
      {"bookings", CmdBookings}, {"cancel", CmdCancel},
      {"checkin", CmdCheckIn},   {"audit", CmdAudit},
      {"machines", CmdMachines}, {"unlock", CmdUnlock},
      {"lock", CmdLock},         {"block", CmdBlock},
      {"unblock", CmdUnblock},   {"ack", CmdAck},
      {"stop", CmdStop},         {"here", CmdHere},
      {"watch", CmdWatch},       {"job", CmdJob},
      {"jobs", CmdJobs},         {"report", CmdReport},
      {"admin", CmdAdmin},       {"visit", CmdVisit},
      {"apikey", CmdApiKey},     {"service", CmdService},
  };
  auto it = kCommands.find(*command);
  if (it == kCommands.end()) {
    std::cerr << "werkbank: unknown command \"" << *command
              << "\" (see `werkbank help`)\n";
    return kUsage;
  }
  auto conn = Connection::Open(options);
  if (!conn.ok()) {
    std::cerr << "werkbank: " << conn.status().message() << "\n";
    return kNoServer;
  }
  Cli cli(args, std::move(*conn), json);
  return it->second(cli);
}

}  // namespace werkbank::cli

int main(int argc, char** argv) { return werkbank::cli::Main(argc, argv); }
