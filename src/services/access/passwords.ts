import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { DomainError } from '../../domain/errors';
import { afterFailure, lockedFor, minutesOf, SIGNIN_LIMITS } from '../../domain/signin-limits';
import type { User } from '../../domain/types';
import type { Deps } from '../deps';
import { audit } from './audit';
import { hashToken } from './tokens';

/**
 * Passwords and dashboard sessions (issue 26). Passwords are hashed with argon2id
 * (@node-rs/argon2's defaults: 19 MiB, 2 passes, OWASP's recommendation); a session is a random
 * id in an httpOnly cookie, stored as its sha256 like API tokens. Failed sign-ins are counted in
 * the store (both adapters, every process, across restarts) per user name and per address.
 */
export const SESSION_HOURS = 12;

export const normalUsername = (u: string): string => u.trim().toLowerCase();

/** A password made for someone (the first admin, a reset): 16 letters and digits, no look-alikes. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
  return Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
}

let decoy: Promise<string> | undefined;
/** An unknown user name costs the same time as a wrong password (no way to tell names apart). */
const decoyHash = () => (decoy ??= argonHash(randomBytes(16).toString('hex')));

/** Sets a user's sign-in name and password (an admin's first password, or a reset); their sessions end. */
export async function setPassword(
  deps: Deps,
  input: { user: User; username?: string; password: string; mustChange: boolean; by: string },
): Promise<{ username: string }> {
  const { store } = deps;
  const had = await store.passwords.findOne({ userId: input.user.id });
  const username = normalUsername(input.username ?? had?.username ?? '');
  if (!username) throw new DomainError('validation', 'username', { detail: 'username' });
  const taken = await store.passwords.findOne({ username });
  if (taken && taken.userId !== input.user.id) throw new DomainError('username_taken', username, { username });
  const hash = await argonHash(input.password);
  await store.atomically(async () => {
    if (had) await store.passwords.update(had.id, { username, hash, mustChange: input.mustChange });
    else await store.passwords.insert({ userId: input.user.id, username, hash, mustChange: input.mustChange });
    await store.sessions.updateWhere({ userId: input.user.id, revokedAt: null }, { revokedAt: deps.clock.now() });
    if (input.by !== `user:${input.user.id}`)
      await audit(deps, { actor: input.by, action: 'set_password', target: `users:${input.user.id}`, detail: { username } });
  });
  return { username };
}

/** A user changes their own password: the current one first; their other sessions end. */
export async function changeOwnPassword(
  deps: Deps,
  input: { user: User; current: string; next: string; sessionHash?: string },
): Promise<void> {
  const { store } = deps;
  const had = await store.passwords.findOne({ userId: input.user.id });
  if (!had || !(await argonVerify(had.hash, input.current))) throw new DomainError('password_wrong', 'current password');
  const hash = await argonHash(input.next);
  await store.atomically(async () => {
    await store.passwords.update(had.id, { hash, mustChange: false });
    const others = { userId: input.user.id, revokedAt: null, ...(input.sessionHash ? { hash: { ne: input.sessionHash } } : {}) };
    await store.sessions.updateWhere(others, { revokedAt: deps.clock.now() });
    await audit(deps, { actor: `user:${input.user.id}`, action: 'change_password', target: `users:${input.user.id}`, detail: {} });
  });
}

/** The lockout that applies to this name or address now, as `signin_locked` with the minutes left. */
async function refuseIfLocked(deps: Deps, keys: string[]): Promise<void> {
  const now = deps.clock.now();
  const states = await Promise.all(keys.map((key) => deps.store.signinAttempts.findOne({ key })));
  const ms = Math.max(...states.map((s) => lockedFor(s, now)));
  if (ms > 0) throw new DomainError('signin_locked', 'locked', { minutes: minutesOf(ms), retryAfter: Math.ceil(ms / 1000) });
}

async function countFailure(deps: Deps, key: string, limit: (typeof SIGNIN_LIMITS)[keyof typeof SIGNIN_LIMITS]): Promise<void> {
  const { store } = deps;
  const had = await store.signinAttempts.findOne({ key });
  const next = afterFailure(had, deps.clock.now(), limit);
  if (had) await store.signinAttempts.update(had.id, next);
  else if (!(await store.signinAttempts.insertIfAbsent({ key, ...next }))) await countFailure(deps, key, limit);
}

/**
 * Signs in with a user name and password: a new session (its cookie value, shown once) or
 * `signin_failed` (the same for an unknown name and a wrong password), or `signin_locked` once
 * the name or the address has failed too often — checked before the password, so a lockout
 * holds even for the right one.
 */
export async function signInWithPassword(
  deps: Deps,
  input: { username: string; password: string; address: string },
): Promise<{ user: User; session: string; expiresAt: Date; mustChange: boolean }> {
  const { store, clock } = deps;
  const username = normalUsername(input.username);
  const keys = { user: `user:${username.slice(0, 80)}`, addr: `addr:${input.address.slice(0, 80)}` };
  await refuseIfLocked(deps, [keys.user, keys.addr]);
  const cred = await store.passwords.findOne({ username });
  const user = cred ? await store.users.get(cred.userId) : null;
  const good = cred ? await argonVerify(cred.hash, input.password) : (await argonVerify(await decoyHash(), input.password), false);
  if (!good || !user || !user.active) {
    await countFailure(deps, keys.user, SIGNIN_LIMITS.user);
    await countFailure(deps, keys.addr, SIGNIN_LIMITS.addr);
    deps.log.warn({ user: user?.id ?? null }, 'sign-in failed');
    throw new DomainError('signin_failed', 'wrong user name or password');
  }
  await store.signinAttempts.deleteWhere({ key: keys.user });
  return { user, ...(await startSession({ store, clock }, user)), mustChange: cred!.mustChange };
}

/** A new dashboard session for a user (signed in with a password, or with an API token in the browser). */
export async function startSession(deps: Pick<Deps, 'store' | 'clock'>, user: User): Promise<{ session: string; expiresAt: Date }> {
  const session = randomBytes(32).toString('base64url');
  const expiresAt = new Date(deps.clock.now().getTime() + SESSION_HOURS * 3_600_000);
  await deps.store.sessions.insert({ userId: user.id, hash: hashToken(session), expiresAt, revokedAt: null });
  return { session, expiresAt };
}

/** The user a session cookie belongs to (live, not expired, the user active), or `unauthorized`. */
export async function sessionUser(deps: Pick<Deps, 'store' | 'clock'>, session: string): Promise<{ user: User; hash: string }> {
  const hash = hashToken(session);
  const s = await deps.store.sessions.findOne({ hash, revokedAt: null });
  const user = s && s.expiresAt > deps.clock.now() ? await deps.store.users.get(s.userId) : null;
  if (!user || !user.active) throw new DomainError('unauthorized', 'session expired or unknown');
  return { user, hash };
}

/** Ends a session (signing out). */
export async function endSession(deps: Pick<Deps, 'store' | 'clock'>, session: string): Promise<void> {
  await deps.store.sessions.updateWhere({ hash: hashToken(session), revokedAt: null }, { revokedAt: deps.clock.now() });
}

/** The sign-in name of a user and whether they must choose a new password (null: no password yet). */
export async function credentialOf(deps: Pick<Deps, 'store'>, userId: string): Promise<{ username: string; mustChange: boolean } | null> {
  const c = await deps.store.passwords.findOne({ userId });
  return c ? { username: c.username, mustChange: c.mustChange } : null;
}
