// SPDX-License-Identifier: EUPL-1.2
// What the signed-in user may see; the daemon decides what they may do.
import { Role } from "../gen/werkbank/v1/common_pb";
import type { User } from "../gen/werkbank/v1/accounts_pb";

export const isStaff = (u: User): boolean => u.roles.includes(Role.STAFF);
export const isTrainer = (u: User): boolean => u.roles.includes(Role.TRAINER) || isStaff(u);
