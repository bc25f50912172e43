// SPDX-License-Identifier: EUPL-1.2
// Roles and user group, as picked in the staff's user forms.
import { roleKeys, userGroupKeys } from "../common/names";
import type { Role, UserGroup } from "../gen/werkbank/v1/common_pb";
import { t } from "../i18n/i18n";

export function RoleChecks({ roles, onChange }: { roles: Role[]; onChange: (r: Role[]) => void }) {
  return (
    <fieldset>
      <legend>{t("roles")}</legend>
      {roleKeys.map(([role, key]) => (
        <label class="check" key={role}>
          <input
            type="checkbox"
            checked={roles.includes(role)}
            onChange={(e) => onChange((e.target as HTMLInputElement).checked ? [...roles, role] : roles.filter((r) => r !== role))}
          />
          {t(key)}
        </label>
      ))}
    </fieldset>
  );
}

export function GroupSelect({ group, onChange }: { group: UserGroup; onChange: (g: UserGroup) => void }) {
  return (
    <label>
      {t("user_group")}
      <select value={group} onChange={(e) => onChange(Number((e.target as HTMLSelectElement).value))}>
        {userGroupKeys.map(([g, key]) => <option key={g} value={g}>{t(key)}</option>)}
      </select>
    </label>
  );
}
