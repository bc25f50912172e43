// SPDX-License-Identifier: EUPL-1.2
// One HTTPS request from node that trusts only the daemon's own certificate
// (node's fetch takes no trust root of its own): what a slicer or a script
// in the lab does.
import https from "node:https";

export function httpsRequest(url, { method = "GET", headers = {}, body, ca }) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, ca, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}
