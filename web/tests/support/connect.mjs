// SPDX-License-Identifier: EUPL-1.2
// A plain Connect-protocol client (HTTP + JSON) for setting up what a test
// needs, which also shows that the HTTP API works without the generated code.
import { httpsRequest } from "./https.mjs";

export class ConnectClient {
  // `ca`: the daemon's certificate (PEM) when it serves HTTPS, checked as
  // the lab's trust root.
  constructor(origin, { ca } = {}) {
    this.origin = origin;
    this.cookie = "";
    this.ca = ca;
  }

  async call(service, method, body = {}) {
    const url = `${this.origin}/werkbank.v1.${service}/${method}`;
    const headers = { "Content-Type": "application/json", "Connect-Protocol-Version": "1", ...(this.cookie && { Cookie: this.cookie }) };
    let status, setCookie, text;
    if (this.ca) {
      const res = await httpsRequest(url, { method: "POST", headers, body: JSON.stringify(body), ca: this.ca });
      ({ status, text } = res);
      setCookie = [res.headers["set-cookie"] ?? []].flat()[0];
    } else {
      const res = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
      status = res.status;
      setCookie = res.headers.get("set-cookie");
      text = await res.text();
    }
    if (setCookie) this.cookie = setCookie.split(";")[0];
    let json = {};
    try {
      json = JSON.parse(text);
    } catch {}
    if (status < 200 || status > 299) {
      const err = new Error(`${service}/${method}: ${json.code}: ${json.message}`);
      err.code = json.code;
      throw err;
    }
    return json;
  }

  login(login, password) {
    return this.call("Accounts", "Login", { password: { login, password } });
  }
}

// Staff create a participant and brief them on `machineClass`.
export async function createUser(admin, login, roles, password = `${login}-test-pass`) {
  await admin.call("Accounts", "CreateUser", { login, displayName: login, roles, group: "USER_GROUP_CITIZEN", password });
  return password;
}
