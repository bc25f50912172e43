// SPDX-License-Identifier: EUPL-1.2
// Entry point: mounts the app shell.
import { render } from "preact";
import { App } from "./app";
import "./app.css";

render(<App />, document.getElementById("app")!);
