// SPDX-License-Identifier: EUPL-1.2
// A plain Connect-protocol client (fetch + JSON) for setting up what a test
// needs, which also shows that the HTTP API works without the generated code.
export class ConnectClient {
  constructor(origin) {
    this.origin = origin;
    this.cookie = "";
  }

  async call(service, method, body = {}) {
    const res = await fetch(`${this.origin}/werkbank.v1.${service}/${method}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Connect-Protocol-Version": "1", ...(this.cookie && { Cookie: this.cookie }) },
      body: JSON.stringify(body),
    });
    const setCookie = res.headers.get("set-cookie");
    if (setCookie) this.cookie = setCookie.split(";")[0];
    const json = await res.json().catch(() => ({}));
    if (!res.ok) {
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
