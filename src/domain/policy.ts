import { scopeContains, type PlacedScope } from './scope';
import type { Id, Role } from './types';

/**
 * The one permission policy (SPEC §6), for both doors: API users and people in WeChat.
 * Pure: who may do what, on which part of the street. Callers resolve scopes and records
 * first; `can` only decides.
 */
export const ACTIONS = [
  'records:read',
  'records:edit',
  'phones:read',
  'stats:read',
  'audit:read',
  'rounds:read',
  'rounds:open',
  'rounds:remind',
  'submissions:read',
  'submissions:review',
  'photos:read',
  'letters:publish',
  'broadcasts:read',
  'broadcasts:send',
  'schedules:read',
  'schedules:edit',
  'roster:import',
  'bindcodes:issue',
  'users:manage',
  'bot:read',
  'hazards:read',
  'hazards:open',
  'hazards:close',
  'hazards:fix',
  'tips:read',
  'tips:review',
  'points:read',
  'points:rules',
  'houses:confirm',
  'group:settings',
  'simulator:use',
  'self:read',
] as const;
export type Action = (typeof ACTIONS)[number];

/** API roles, plus the roles a WeChat contact can have without a user: a landlord with houses, anyone. */
export type ActorRole = Role | 'landlord' | 'anyone';

const READ: Action[] = [
  'self:read',
  'records:read',
  'stats:read',
  'rounds:read',
  'submissions:read',
  'photos:read',
  'hazards:read',
  'points:read',
];
const STAFF: Action[] = [
  ...READ,
  'records:edit',
  'phones:read',
  'audit:read',
  'rounds:open',
  'rounds:remind',
  'submissions:review',
  'letters:publish',
  'broadcasts:read',
  'broadcasts:send',
  'schedules:read',
  'schedules:edit',
  'roster:import',
  'bindcodes:issue',
  'hazards:open',
  'hazards:close',
  'tips:read',
  'tips:review',
  'houses:confirm',
  'group:settings',
  'simulator:use',
];

/** What a head does in front of the group, in its room — not through an API token (SPEC §6: heads read). */
const HEAD_IN_ROOM: Action[] = ['submissions:review', 'rounds:remind', 'hazards:open', 'hazards:close', 'houses:confirm', 'group:settings'];

/** What each role may do at all; `can` then checks the target lies in the actor's scope. */
export const ROLE_ACTIONS: Record<ActorRole, ReadonlySet<Action>> = {
  admin: new Set(ACTIONS),
  staff: new Set(STAFF),
  // a head (户长) reads their group; in its WeChat room they also review, remind and open/close hazards
  head: new Set([...READ, ...HEAD_IN_ROOM]),
  landlord: new Set(['hazards:fix', 'points:read']),
  anyone: new Set(),
};

/** Actions that only make sense street-wide (a new commitment letter goes to every room). */
// the simulator (demo mode) speaks as any contact of any room: street-wide callers only.
// bot:read (the bot's page and its login QR code: whoever scans it owns the bot's WeChat account) is
// an admin's alone (not in STAFF), and street-wide
const STREET_ONLY: ReadonlySet<Action> = new Set([
  'letters:publish',
  'points:rules',
  'users:manage',
  'schedules:edit',
  'roster:import',
  'simulator:use',
  'bot:read',
]);
/** Whether an action needs a street-wide scope. */
export const streetOnly = (action: Action): boolean => STREET_ONLY.has(action);

/** Actions nobody may take on a house of their own (a head approving their own photos). */
const NOT_ON_OWN_HOUSE: ReadonlySet<Action> = new Set(['submissions:review', 'hazards:close', 'houses:confirm']);
/** Actions only on a house of one's own (a landlord sending proof of a fix). */
const ONLY_ON_OWN_HOUSE: ReadonlySet<Action> = new Set(['hazards:fix']);

/** Who acts: an API user, or a person in WeChat (a bound staff member, a head, a landlord). */
export interface Actor {
  /** `user:<id>` or `contact:<id>`: what the audit log records */
  id: string;
  role: ActorRole;
  /** the part of the street the actor works in (a head: their group; a landlord: the street, narrowed by their houses) */
  scope: PlacedScope;
  /** through an API token, or as a person in WeChat */
  channel: 'api' | 'wechat';
  /** houses the actor is the landlord of */
  ownHouseIds?: readonly Id[];
}

/** What an action is aimed at: a part of the street, optionally one house's record. */
export type Target = PlacedScope & { houseId?: Id };

/** Whether the actor's role allows the action anywhere (the route-level check). */
export const roleAllows = (role: ActorRole, action: Action, channel: Actor['channel'] = 'api'): boolean =>
  ROLE_ACTIONS[role].has(action) && !(role === 'head' && channel === 'api' && HEAD_IN_ROOM.includes(action));

/** Why an action is refused: the role never may, the house is the actor's own (or not), or the target is outside their scope. */
export type Refusal = 'role' | 'street_only' | 'own_house' | 'not_own_house' | 'scope';

/** The policy's answer with its reason: null when allowed. */
export function refusal(actor: Actor, action: Action, target?: Target): Refusal | null {
  if (!roleAllows(actor.role, action, actor.channel)) return 'role';
  if (STREET_ONLY.has(action) && actor.scope.level !== 'street') return 'street_only';
  if (!target) return null;
  const own = target.houseId !== undefined && (actor.ownHouseIds ?? []).includes(target.houseId);
  if (NOT_ON_OWN_HOUSE.has(action) && own && actor.role !== 'staff' && actor.role !== 'admin') return 'own_house';
  if (ONLY_ON_OWN_HOUSE.has(action)) return own ? null : 'not_own_house';
  return scopeContains(actor.scope, target) ? null : 'scope';
}

/** Whether `actor` may take `action` on `target` (or at all, without a target). */
export const can = (actor: Actor, action: Action, target?: Target): boolean => refusal(actor, action, target) === null;

/**
 * The actions an actor may take somewhere in their scope: what `GET /me` tells the dashboard,
 * so it offers pages and buttons from this policy instead of a copy of it.
 */
export const allowedActions = (actor: Actor): Action[] =>
  ACTIONS.filter(
    (action) =>
      // an action only on one's own house is taken nowhere by an actor with no house (an API user)
      can(actor, action) && (!ONLY_ON_OWN_HOUSE.has(action) || (actor.ownHouseIds ?? []).length > 0),
  );

/** The roles that may take an action somewhere (what the API reference prints for each operation). */
export const rolesFor = (action: Action): Role[] => (['admin', 'staff', 'head'] as const).filter((r) => roleAllows(r, action));

/**
 * A person in WeChat may be several actors at once (bound staff, the head, a landlord): the
 * first that may act, or else the one whose refusal says most (what the person is told).
 */
export function actingAs(actors: readonly Actor[], action: Action, target?: Target): { actor: Actor | null; refusal: Refusal | null } {
  const ok = actors.find((a) => can(a, action, target));
  if (ok) return { actor: ok, refusal: null };
  const reasons = actors.map((a) => refusal(a, action, target)!);
  const telling = (['own_house', 'not_own_house', 'scope', 'street_only', 'role'] as const).find((r) => reasons.includes(r)) ?? 'role';
  return { actor: null, refusal: telling };
}
