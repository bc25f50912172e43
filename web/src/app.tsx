// SPDX-License-Identifier: EUPL-1.2
// The app shell: who is signed in, the navigation for their roles, the
// language switch, logout, and the page for the current URL. When any call
// answers `unauthenticated` the session is over and the login page shows.
import { useEffect, useState } from "preact/hooks";
import { accounts, bookings, onSessionEnded } from "./api/client";
import { ApiKeysPage } from "./apikeys/api_keys_page";
import { CalendarPage } from "./calendar/calendar_page";
import { useRoute } from "./common/route";
import { isStaff, isTrainer } from "./common/roles";
import type { User } from "./gen/werkbank/v1/accounts_pb";
import type { LabInfo } from "./gen/werkbank/v1/bookings_pb";
import { lang, onLangChange, setLang, t, type Lang } from "./i18n/i18n";
import { LabPage } from "./lab/lab_page";
import { LoginPage } from "./login/login_page";
import { MyDataPage } from "./privacy/my_data_page";
import { MachinePage } from "./machine/machine_page";
import { PrintServicePage } from "./service/print_service_page";
import { ServiceQueuePage } from "./service/service_queue_page";
import { AuditPage } from "./staff/audit_page";
import { DashboardPage } from "./staff/dashboard_page";
import { ImpactPage } from "./staff/impact_page";
import { UsagePage } from "./staff/usage_page";
import { UsersPage } from "./staff/users_page";
import { BriefingPage } from "./trainer/briefing_page";
import { VisitsPage } from "./visits/visits_page";

export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [lab, setLab] = useState<LabInfo | null>(null);
  const [, rerender] = useState(0);
  const route = useRoute();

  useEffect(() => onLangChange(() => rerender((n) => n + 1)), []);
  useEffect(() => onSessionEnded(() => setUser(null)), []);
  useEffect(() => {
    accounts.whoAmI({}).then(setUser, () => setUser(null));
  }, []);
  useEffect(() => {
    if (user) bookings.getLabInfo({}).then(setLab, () => undefined);
  }, [user]);

  if (user === undefined) return <p class="loading">{t("loading")}</p>;
  if (user === null) return <LoginPage onLoggedIn={setUser} />;

  const logout = async () => {
    await accounts.logout({}).catch(() => undefined);
    setUser(null);
  };

  return (
    <div class="shell">
      <header class="top">
        <span class="brand">{lab?.labName ?? "werkbank"}</span>
        <nav aria-label={t("nav_label")}>
          <a href="#/lab">{t("nav_lab")}</a>
          <a href="#/calendar">{t("nav_calendar")}</a>
          <a href="#/print-service">{t("nav_print_service")}</a>
          {isTrainer(user) && <a href="#/service-queue">{t("nav_service_queue")}</a>}
          {isTrainer(user) && <a href="#/trainer">{t("nav_trainer")}</a>}
          {isTrainer(user) && <a href="#/visits">{t("nav_visits")}</a>}
          {isStaff(user) && <a href="#/staff">{t("nav_dashboard")}</a>}
          {isStaff(user) && <a href="#/users">{t("nav_users")}</a>}
          {isStaff(user) && <a href="#/audit">{t("nav_audit")}</a>}
          {isStaff(user) && <a href="#/impact">{t("nav_impact")}</a>}
          {isStaff(user) && <a href="#/usage">{t("nav_usage")}</a>}
          <a href="#/api-keys">{t("nav_api_keys")}</a>
          <a href="#/my-data">{t("nav_my_data")}</a>
        </nav>
        <div class="session">
          <label>
            <span class="sr-only">{t("language")}</span>
            <select value={lang()} onChange={(e) => setLang((e.target as HTMLSelectElement).value as Lang)}>
              <option value="de">Deutsch</option>
              <option value="en">English</option>
            </select>
          </label>
          <span class="who">{user.displayName || user.login}</span>
          <button type="button" onClick={logout}>
            {t("logout")}
          </button>
        </div>
      </header>
      <main>{lab ? <Page route={route} user={user} lab={lab} /> : <p>{t("loading")}</p>}</main>
    </div>
  );
}

function Page({ route, user, lab }: { route: string[]; user: User; lab: LabInfo }) {
  const staffOnly = (page: preact.JSX.Element) => (isStaff(user) ? page : <Forbidden />);
  switch (route[0]) {
    case "calendar":
      return <CalendarPage lab={lab} user={user} />;
    case "machine":
      return <MachinePage id={route[1] ?? ""} lab={lab} />;
    case "trainer":
      return isTrainer(user) ? <BriefingPage lab={lab} me={user.login} /> : <Forbidden />;
    case "visits":
      return isTrainer(user) ? <VisitsPage lab={lab} /> : <Forbidden />;
    case "print-service":
      return <PrintServicePage lab={lab} />;
    case "service-queue":
      return isTrainer(user) ? <ServiceQueuePage lab={lab} /> : <Forbidden />;
    case "my-data":
      return <MyDataPage user={user} />;
    case "api-keys":
      return <ApiKeysPage lab={lab} />;
    case "staff":
      return staffOnly(<DashboardPage lab={lab} />);
    case "users":
      return staffOnly(<UsersPage />);
    case "impact":
      return staffOnly(<ImpactPage />);
    case "usage":
      return staffOnly(<UsagePage />);
    case "audit":
      return staffOnly(<AuditPage lab={lab} />);
    default:
      return <LabPage lab={lab} user={user} />;
  }
}

function Forbidden() {
  return (
    <section>
      <h1>{t("forbidden_title")}</h1>
      <p role="alert">{t("forbidden_text")}</p>
    </section>
  );
}
