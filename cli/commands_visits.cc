// SPDX-License-Identifier: EUPL-1.2
// `werkbank visit record|from-reservation|list|delete`: group visits as
// head-counts.
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli.h"
#include "werkbank/v1/visits.grpc.pb.h"

namespace werkbank::cli {
namespace {

constexpr char kVisitUsage[] =
    "usage: werkbank visit record --at TIME --minutes N --group TYPE --count "
    "N\n"
    "         [--class CLASS]... [--ages U12,12-17,18-29,30-54,55+,NS]\n"
    "         [--genders F,M,D,NS] [--first N] [--topic TEXT]\n"
    "       werkbank visit from-reservation ID --group TYPE [--count N]\n"
    "         [--ages ...] [--genders ...] [--first N] [--topic TEXT]\n"
    "       werkbank visit list [--from DATE --to DATE]\n"
    "       werkbank visit delete ID [--reason TEXT]";

// "25,0,0,0,0,0" -> numbers; `want` of them.
absl::StatusOr<std::vector<int>> Counts(const std::string& option,
                                        const std::string& text, size_t want) {
  std::vector<int> out;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    int n = 0;
    if (!absl::SimpleAtoi(part, &n)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", option, ": \"", part, "\" is not a number"));
    }
    out.push_back(n);
  }
  if (out.size() != want) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", option, " takes ", want, " numbers separated by commas"));
  }
  return out;
}

absl::Status ReadCounts(Cli& cli, v1::AgeBands* age, bool* has_age,
                        v1::GenderCounts* gender, bool* has_gender) {
  if (auto a = cli.args.Option("ages")) {
    auto n = Counts("ages", *a, 6);
    if (!n.ok()) return n.status();
    age->set_under_12((*n)[0]);
    age->set_age_12_17((*n)[1]);
    age->set_age_18_29((*n)[2]);
    age->set_age_30_54((*n)[3]);
    age->set_age_55_plus((*n)[4]);
    age->set_not_stated((*n)[5]);
    *has_age = true;
  }
  if (auto g = cli.args.Option("genders")) {
    auto n = Counts("genders", *g, 4);
    if (!n.ok()) return n.status();
    gender->set_female((*n)[0]);
    gender->set_male((*n)[1]);
    gender->set_diverse((*n)[2]);
    gender->set_not_stated((*n)[3]);
    *has_gender = true;
  }
  return absl::OkStatus();
}

absl::StatusOr<int> Number(const std::optional<std::string>& text,
                           const std::string& option) {
  if (!text) return 0;
  int n = 0;
  if (!absl::SimpleAtoi(*text, &n)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", option, " takes a number, not \"", *text, "\""));
  }
  return n;
}

int PrintVisit(Cli& cli, const v1::Visit& v) {
  auto time = cli.Time();
  std::cout << "visit " << v.id() << ": " << v.group_type() << ", "
            << v.head_count() << " people, " << v.duration_minutes() << " min";
  if (time.ok()) std::cout << ", " << (*time)->Format(FromTimestamp(v.start()));
  if (!v.topic().empty()) std::cout << " — " << v.topic();
  std::cout << "\n";
  return kOk;
}

int Record(Cli& cli, v1::Visits::Stub& stub) {
  v1::RecordVisitRequest req;
  v1::Visit* v = req.mutable_visit();
  auto at = cli.args.Option("at");
  auto minutes = Number(cli.args.Option("minutes"), "minutes");
  auto count = Number(cli.args.Option("count"), "count");
  auto first = Number(cli.args.Option("first"), "first");
  auto group = cli.args.Option("group");
  for (const auto& c : cli.args.Options("class")) v->add_machine_classes(c);
  v->set_topic(cli.args.Option("topic").value_or(""));
  bool has_age = false, has_gender = false;
  absl::Status counts = ReadCounts(cli, v->mutable_age(), &has_age,
                                   v->mutable_gender(), &has_gender);
  int code = kOk;
  if (!cli.Done(code)) return code;
  if (!at || !group || !minutes.ok() || !count.ok() || *count == 0 ||
      *minutes == 0) {
    if (!minutes.ok()) return cli.Fail(minutes.status());
    if (!count.ok()) return cli.Fail(count.status());
    return cli.Usage(kVisitUsage);
  }
  if (!counts.ok()) return cli.Fail(counts);
  if (!first.ok()) return cli.Fail(first.status());
  if (!has_age) v->clear_age();
  if (!has_gender) v->clear_gender();
  auto start = cli.ParseTime(*at);
  if (!start.ok()) return cli.Fail(start.status());
  *v->mutable_start() = ToTimestamp(*start);
  v->set_duration_minutes(*minutes);
  v->set_group_type(*group);
  v->set_head_count(*count);
  v->set_first_timers(*first);
  return cli.Call(&v1::Visits::Stub::RecordVisit, stub, req,
                  [&](const v1::Visit& r) { return PrintVisit(cli, r); });
}

int FromReservation(Cli& cli, v1::Visits::Stub& stub) {
  v1::VisitFromReservationRequest req;
  auto id = cli.args.Next();
  auto group = cli.args.Option("group");
  auto count = Number(cli.args.Option("count"), "count");
  auto first = Number(cli.args.Option("first"), "first");
  req.set_topic(cli.args.Option("topic").value_or(""));
  bool has_age = false, has_gender = false;
  absl::Status counts = ReadCounts(cli, req.mutable_age(), &has_age,
                                   req.mutable_gender(), &has_gender);
  int code = kOk;
  if (!cli.Done(code)) return code;
  int64_t rid = 0;
  if (!id || !absl::SimpleAtoi(*id, &rid) || !group)
    return cli.Usage(kVisitUsage);
  if (!count.ok()) return cli.Fail(count.status());
  if (!first.ok()) return cli.Fail(first.status());
  if (!counts.ok()) return cli.Fail(counts);
  if (!has_age) req.clear_age();
  if (!has_gender) req.clear_gender();
  req.set_reservation_id(rid);
  req.set_group_type(*group);
  req.set_head_count(*count);
  req.set_first_timers(*first);
  return cli.Call(&v1::Visits::Stub::VisitFromReservation, stub, req,
                  [&](const v1::Visit& r) { return PrintVisit(cli, r); });
}

int List(Cli& cli, v1::Visits::Stub& stub) {
  auto from_text = cli.args.Option("from");
  auto to_text = cli.args.Option("to");
  int code = kOk;
  if (!cli.Done(code)) return code;
  auto time = cli.Time();
  if (!time.ok()) return cli.Fail(time.status());
  absl::Time from, to;
  if (from_text || to_text) {
    if (!from_text || !to_text) return cli.Usage(kVisitUsage);
    auto f = cli.ParseTime(from_text->size() == 10 ? *from_text + " 00:00"
                                                   : *from_text);
    if (!f.ok()) return cli.Fail(f.status());
    auto t =
        cli.ParseTime(to_text->size() == 10 ? *to_text + " 00:00" : *to_text);
    if (!t.ok()) return cli.Fail(t.status());
    from = *f;
    to = *t;
  } else {  // this year so far, and what is planned ahead of it
    const absl::Time now = absl::Now();
    from = now - absl::Hours(24 * 366);
    to = now + absl::Hours(24);
  }
  v1::ListVisitsRequest req;
  *req.mutable_range()->mutable_start() = ToTimestamp(from);
  *req.mutable_range()->mutable_end() = ToTimestamp(to);
  return cli.Call(
      &v1::Visits::Stub::ListVisits, stub, req,
      [&](const v1::ListVisitsResponse& r) {
        Table t({"ID", "WHEN", "MIN", "GROUP", "PEOPLE", "FIRST", "CLASSES",
                 "TOPIC"});
        for (const auto& v : r.visits()) {
          t.Add({absl::StrCat(v.id()),
                 (*time)->Format(FromTimestamp(v.start())),
                 absl::StrCat(v.duration_minutes()), v.group_type(),
                 absl::StrCat(v.head_count()), absl::StrCat(v.first_timers()),
                 absl::StrJoin(v.machine_classes(), ","), v.topic()});
        }
        t.Print();
        return kOk;
      });
}

int Delete(Cli& cli, v1::Visits::Stub& stub) {
  auto id = cli.args.Next();
  v1::DeleteVisitRequest req;
  req.set_reason(cli.args.Option("reason").value_or(""));
  int code = kOk;
  if (!cli.Done(code)) return code;
  int64_t n = 0;
  if (!id || !absl::SimpleAtoi(*id, &n)) return cli.Usage(kVisitUsage);
  req.set_id(n);
  return cli.Call(&v1::Visits::Stub::DeleteVisit, stub, req,
                  [&](const v1::DeleteVisitResponse&) {
                    std::cout << "visit " << n << " deleted\n";
                    return kOk;
                  });
}

}  // namespace

int CmdVisit(Cli& cli) {
  auto verb = cli.args.Next();
  auto stub = v1::Visits::NewStub(cli.conn.channel());
  if (verb == "record") return Record(cli, *stub);
  if (verb == "from-reservation") return FromReservation(cli, *stub);
  if (verb == "list") return List(cli, *stub);
  if (verb == "delete") return Delete(cli, *stub);
  return cli.Usage(kVisitUsage);
}

}  // namespace werkbank::cli
