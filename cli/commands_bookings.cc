// SPDX-License-Identifier: EUPL-1.2
// `werkbank lab | avail | book | bookings | cancel | checkin`
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli.h"
#include "werkbank/v1/bookings.grpc.pb.h"

namespace werkbank::cli {
namespace {

const char* KindName(v1::ReservationKind k) {
  switch (k) {
    case v1::RESERVATION_KIND_WORKSHOP:
      return "workshop";
    case v1::RESERVATION_KIND_MAINTENANCE:
      return "maintenance";
    default:
      return "personal";
  }
}

const char* StateName(v1::ReservationState s) {
  switch (s) {
    case v1::RESERVATION_STATE_BOOKED:
      return "booked";
    case v1::RESERVATION_STATE_CHECKED_IN:
      return "checked-in";
    case v1::RESERVATION_STATE_COMPLETED:
      return "completed";
    case v1::RESERVATION_STATE_CANCELLED:
      return "cancelled";
    case v1::RESERVATION_STATE_NO_SHOW:
      return "no-show";
    default:
      return "?";
  }
}

std::string Span(const LabTime& t, const v1::TimeRange& r) {
  return t.FormatSpan(FromTimestamp(r.start()), FromTimestamp(r.end()));
}

void PrintReservations(
    const LabTime& t,
    const google::protobuf::RepeatedPtrField<v1::Reservation>& rs) {
  Table table({"ID", "MACHINE", "WHEN (" + t.zone_name() + ")", "WHO", "KIND",
               "STATE"});
  for (const auto& r : rs) {
    std::string who = r.owner_login();
    if (r.participant_logins_size() > 0) {
      absl::StrAppend(&who, " +", absl::StrJoin(r.participant_logins(), ","));
    }
    table.Add({std::to_string(r.id()), r.machine_id(), Span(t, r.time()), who,
               KindName(r.kind()), StateName(r.state())});
  }
  table.Print();
}

int IdCommand(Cli& cli, const std::string& usage, int64_t& id) {
  auto word = cli.args.Next();
  if (!word || !absl::SimpleAtoi(*word, &id)) return cli.Usage(usage);
  return kOk;
}

}  // namespace

int CmdLab(Cli& cli) {
  int code = kOk;
  if (!cli.Done(code)) return code;
  auto lab = cli.Lab();
  if (!lab.ok()) return cli.Fail(lab.status());
  if (cli.json) {
    cli.PrintJson(**lab);
    return kOk;
  }
  const v1::LabInfo& info = **lab;
  std::cout << info.lab_name() << " (time zone " << info.time_zone()
            << ")\n\nOpening hours:\n";
  for (const auto& line : info.opening_hours())
    std::cout << "  " << line << "\n";
  std::cout << "\nMachines:\n";
  Table t({"  ID", "NAME", "CLASS"});
  for (const auto& m : info.machines())
    t.Add({"  " + m.id(), m.name(), m.machine_class()});
  t.Print();
  std::cout << "\nBooking rules:\n";
  for (const auto& c : info.classes()) {
    const auto& r = c.rules();
    std::cout << "  " << c.name() << " (" << c.display_name() << "): slots of "
              << r.slot_minutes() << " min, at most " << r.max_length_minutes()
              << " min per booking, " << r.max_future_bookings()
              << " upcoming bookings, " << r.horizon_days()
              << " days ahead; cancel until " << r.cancel_deadline_minutes()
              << " min before; check in within " << r.no_show_release_minutes()
              << " min of the start; qualification valid "
              << c.qualification_valid_days() << " days\n";
  }
  return kOk;
}

int CmdAvail(Cli& cli) {
  auto machine = cli.args.Next();
  if (!machine)
    return cli.Usage("usage: werkbank avail MACHINE [--from TIME] [--to TIME]");
  auto from_text = cli.args.Option("from");
  auto to_text = cli.args.Option("to");
  int code = kOk;
  if (!cli.Done(code)) return code;
  auto time = cli.Time();
  if (!time.ok()) return cli.Fail(time.status());
  absl::Time from = (*time)->StartOfDay(absl::Now());
  if (from_text) {
    auto t = (*time)->Parse(*from_text);
    if (!t.ok()) return cli.Fail(t.status());
    from = *t;
  }
  absl::Time to = from + absl::Hours(24 * 7);
  if (to_text) {
    auto t = (*time)->Parse(*to_text);
    if (!t.ok()) return cli.Fail(t.status());
    to = *t;
  }
  v1::GetAvailabilityRequest req;
  req.set_machine_id(*machine);
  *req.mutable_range()->mutable_start() = ToTimestamp(from);
  *req.mutable_range()->mutable_end() = ToTimestamp(to);
  auto stub = v1::Bookings::NewStub(cli.conn.channel());
  return cli.Call(&v1::Bookings::Stub::GetAvailability, *stub, req,
                  [&](const v1::GetAvailabilityResponse& resp) {
                    std::cout << "free times of " << *machine << ":\n";
                    for (const auto& r : resp.free())
                      std::cout << "  " << Span(**time, r) << "\n";
                    if (resp.free().empty())
                      std::cout << "  none in this range\n";
                    return kOk;
                  });
}

int CmdBook(Cli& cli) {
  v1::CreateReservationRequest req;
  if (auto m = cli.args.Next()) req.set_machine_id(*m);
  req.set_machine_class(cli.args.Option("class").value_or(""));
  auto from_text = cli.args.Option("from");
  auto to_text = cli.args.Option("to");
  const bool workshop = cli.args.Flag("workshop");
  const bool maintenance = cli.args.Flag("maintenance");
  for (const auto& p : cli.args.Options("participant"))
    req.add_participant_logins(p);
  req.set_note(cli.args.Option("note").value_or(""));
  int code = kOk;
  if (!cli.Done(code)) return code;
  if ((req.machine_id().empty() && req.machine_class().empty()) || !from_text ||
      !to_text) {
    return cli.Usage(
        "usage: werkbank book MACHINE --from TIME --to TIME [--note TEXT]\n"
        "       werkbank book MACHINE --workshop --participant LOGIN... --from "
        "TIME --to TIME\n"
        "       werkbank book (MACHINE | --class CLASS) --maintenance --from "
        "TIME --to TIME");
  }
  if (workshop && maintenance)
    return cli.Usage("a booking is a workshop or maintenance, not both");
  req.set_kind(workshop      ? v1::RESERVATION_KIND_WORKSHOP
               : maintenance ? v1::RESERVATION_KIND_MAINTENANCE
                             : v1::RESERVATION_KIND_PERSONAL);
  auto time = cli.Time();
  if (!time.ok()) return cli.Fail(time.status());
  auto from = (*time)->Parse(*from_text);
  if (!from.ok()) return cli.Fail(from.status());
  auto to = (*time)->Parse(*to_text);
  if (!to.ok()) return cli.Fail(to.status());
  *req.mutable_time()->mutable_start() = ToTimestamp(*from);
  *req.mutable_time()->mutable_end() = ToTimestamp(*to);
  auto stub = v1::Bookings::NewStub(cli.conn.channel());
  return cli.Call(&v1::Bookings::Stub::CreateReservation, *stub, req,
                  [&](const v1::CreateReservationResponse& resp) {
                    for (const auto& r : resp.reservations()) {
                      std::cout << "booked " << r.machine_id() << " "
                                << Span(**time, r.time()) << " (reservation "
                                << r.id() << ", " << KindName(r.kind())
                                << ")\n";
                    }
                    return kOk;
                  });
}

int CmdBookings(Cli& cli) {
  if (auto verb = cli.args.Next()) {
    if (*verb == "export") return ExportCalendar(cli);
    return cli.Usage("unknown bookings command \"" + *verb + "\"");
  }
  v1::ListReservationsRequest req;
  req.set_all_users(cli.args.Flag("all"));
  req.set_include_inactive(cli.args.Flag("past"));
  req.set_machine_id(cli.args.Option("machine").value_or(""));
  int code = kOk;
  if (!cli.Done(code)) return code;
  if (req.include_inactive()) {
    *req.mutable_range()->mutable_start() =
        ToTimestamp(absl::Now() - absl::Hours(24 * 90));
    *req.mutable_range()->mutable_end() =
        ToTimestamp(absl::Now() + absl::Hours(24 * 400));
  }
  auto stub = v1::Bookings::NewStub(cli.conn.channel());
  return cli.Call(&v1::Bookings::Stub::ListReservations, *stub, req,
                  [&](const v1::ListReservationsResponse& resp) {
                    auto time = cli.Time();
                    if (!time.ok()) return cli.Fail(time.status());
                    PrintReservations(**time, resp.reservations());
                    return kOk;
                  });
}

int CmdCancel(Cli& cli) {
  int64_t id = 0;
  if (int c = IdCommand(cli, "usage: werkbank cancel ID [--reason TEXT]", id);
      c != kOk)
    return c;
  v1::CancelReservationRequest req;
  req.set_id(id);
  req.set_reason(cli.args.Option("reason").value_or(""));
  int code = kOk;
  if (!cli.Done(code)) return code;
  auto stub = v1::Bookings::NewStub(cli.conn.channel());
  return cli.Call(&v1::Bookings::Stub::CancelReservation, *stub, req,
                  [](const v1::Reservation& r) {
                    std::cout << "reservation " << r.id() << " cancelled\n";
                    return kOk;
                  });
}

int CmdCheckIn(Cli& cli) {
  int64_t id = 0;
  if (int c = IdCommand(cli, "usage: werkbank checkin ID", id); c != kOk)
    return c;
  int code = kOk;
  if (!cli.Done(code)) return code;
  v1::CheckInRequest req;
  req.set_id(id);
  auto stub = v1::Bookings::NewStub(cli.conn.channel());
  return cli.Call(&v1::Bookings::Stub::CheckIn, *stub, req,
                  [](const v1::Reservation& r) {
                    std::cout << "checked in to reservation " << r.id()
                              << " on " << r.machine_id() << "\n";
                    return kOk;
                  });
}

}  // namespace werkbank::cli
