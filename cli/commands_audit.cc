// SPDX-License-Identifier: EUPL-1.2
// `werkbank audit verify | list`
#include <iostream>

#include "absl/strings/numbers.h"
#include "cli.h"
#include "werkbank/v1/audit.grpc.pb.h"

namespace werkbank::cli {

int CmdAudit(Cli& cli) {
  auto verb = cli.args.Next();
  auto stub = v1::Audit::NewStub(cli.conn.channel());
  int code = kOk;
  if (verb && *verb == "verify") {
    if (!cli.Done(code)) return code;
    v1::VerifyAuditChainResponse resp;
    auto ctx = cli.conn.Context();
    grpc::Status s =
        stub->VerifyAuditChain(ctx.get(), v1::VerifyAuditChainRequest(), &resp);
    if (!s.ok()) return cli.Fail(s);
    if (cli.json) {
      cli.PrintJson(resp);
    } else if (resp.ok()) {
      std::cout << "audit chain intact: " << resp.events_checked()
                << " events verified\n";
    } else {
      std::cout << "audit chain BROKEN at event " << resp.first_broken_id()
                << ": " << resp.problem() << "\n";
    }
    return resp.ok() ? kOk : kRefused;
  }
  if (verb && *verb == "list") {
    v1::ListAuditEventsRequest req;
    int64_t after = 0, limit = 0;
    if (auto a = cli.args.Option("after"); a && !absl::SimpleAtoi(*a, &after)) {
      return cli.Usage("--after takes an event id");
    }
    if (auto l = cli.args.Option("limit"); l && !absl::SimpleAtoi(*l, &limit)) {
      return cli.Usage("--limit takes a number");
    }
    req.set_after_id(after);
    req.set_limit(static_cast<int32_t>(limit));
    req.set_subject_prefix(cli.args.Option("subject").value_or(""));
    if (!cli.Done(code)) return code;
    return cli.Call(
        &v1::Audit::Stub::ListAuditEvents, *stub, req,
        [&](const v1::ListAuditEventsResponse& resp) {
          auto time = cli.Time();
          if (!time.ok()) return cli.Fail(time.status());
          Table t({"ID", "WHEN", "WHO", "ACTION", "SUBJECT", "DETAIL"});
          for (const auto& e : resp.events()) {
            t.Add({std::to_string(e.id()),
                   (*time)->Format(FromTimestamp(e.at())), e.actor(),
                   e.action(), e.subject(), e.detail()});
          }
          t.Print();
          return kOk;
        });
  }
  return cli.Usage("usage: werkbank audit verify|list ...");
}

}  // namespace werkbank::cli
