import { periodOf, zonedInstant } from '../../domain/period';
import { redactPersonal } from '../../domain/privacy';
import type { Deps } from '../deps';
import type { LiveReach, ReachPolicy } from './recorder';

export type { ReachPolicy } from './recorder';

/**
 * An account's state, worst first: `logged_out` (no WeChat session: scan the QR again),
 * `limited` (WeChat said "too frequent": a cool-down with no sends), `failing` (sends fail
 * for another reason), `backlog` (due messages pile up), `ok`.
 */
export type ReachState = 'logged_out' | 'limited' | 'failing' | 'backlog' | 'ok';

export interface AccountHealth {
  state: ReachState;
  account: string | null;
  loggedIn: boolean;
  /** logged in since, or unavailable since */
  since: Date;
  /** unavailable (logged out or cooling) since, or null while it can send */
  unavailableSince: Date | null;
  lastSentAt: Date | null;
  /** send failures in the last hour, and the last one's error (personal data redacted) */
  recentFailures: number;
  lastError: string | null;
  /** "too frequent" answers in the last 24 hours, and the cool-down now running */
  limitSignals: number;
  coolingUntil: Date | null;
  /** due messages waiting for this account (and for any account), and the oldest one's due time */
  backlog: { due: number; oldestDueAt: Date | null };
}

export const DEFAULT_REACH_POLICY: ReachPolicy = { backlogAlarm: 50, failingAfter: 3 };

/** The health of this process's account: its live record and its backlog in the store. */
export async function accountHealth(deps: Deps, live: LiveReach, policy: ReachPolicy = DEFAULT_REACH_POLICY): Promise<AccountHealth> {
  const now = deps.clock.now();
  const accounts = live.account ? [live.account, '*'] : ['*'];
  const dueFilter = { account: { in: accounts }, status: 'pending' as const, notBefore: { lte: now } };
  const [due, oldest] = await Promise.all([deps.store.outbox.count(dueFilter), deps.store.outbox.findOne(dueFilter, { notBefore: 1 })]);
  const last = live.failures.at(-1) ?? null;
  const failing = live.failures.length >= policy.failingAfter && last !== null && (live.lastSentAt === null || live.lastSentAt < last.at);
  const state: ReachState = !live.loggedIn
    ? 'logged_out'
    : live.coolingUntil
      ? 'limited'
      : failing
        ? 'failing'
        : due > policy.backlogAlarm
          ? 'backlog'
          : 'ok';
  const limitedSince = live.limitSignals.at(-1) ?? null;
  return {
    state,
    account: live.name ?? live.account,
    loggedIn: live.loggedIn,
    since: live.since,
    unavailableSince: !live.loggedIn ? live.since : live.coolingUntil ? limitedSince : null,
    lastSentAt: live.lastSentAt,
    recentFailures: live.failures.length,
    lastError: last ? redactPersonal(last.error) : null,
    limitSignals: live.limitSignals.length,
    coolingUntil: live.coolingUntil,
    backlog: { due, oldestDueAt: oldest?.notBefore ?? null },
  };
}

/**
 * SMS sent this month (in the campaign's time zone) and what they cost, in fen (issue 28).
 * Counted from the outbox's sent SMS entries: RETENTION_DAYS under a month undercounts.
 */
export async function smsThisMonth(deps: Deps, priceFen: number): Promise<{ period: string; sent: number; costFen: number }> {
  const period = periodOf(deps.clock.now(), deps.timeZone);
  const from = zonedInstant(`${period}-01`, '00:00:00', deps.timeZone);
  const sent = await deps.store.outbox.count({ account: 'channel:sms', status: 'sent', sentAt: { gte: from } });
  return { period, sent, costFen: sent * priceFen };
}

/**
 * The due backlog of every account sharing the store (other processes' WeChat accounts, '*' for
 * rooms no account serves yet, the staff and SMS channels), largest first: which account is behind.
 */
export async function backlogs(deps: Deps): Promise<{ account: string; due: number; oldestDueAt: Date | null }[]> {
  const now = deps.clock.now();
  const accounts = (await deps.store.outbox.distinct('account', { status: 'pending', notBefore: { lte: now } })) as string[];
  const out = await Promise.all(
    accounts.map(async (account) => {
      const f = { account, status: 'pending' as const, notBefore: { lte: now } };
      const [due, oldest] = await Promise.all([deps.store.outbox.count(f), deps.store.outbox.findOne(f, { notBefore: 1 })]);
      return { account, due, oldestDueAt: oldest?.notBefore ?? null };
    }),
  );
  return out.sort((a, b) => b.due - a.due);
}
