/**
 * What this process knows live about its WeChat account (issue 28): logged in or not and
 * since when, the last send that went out, recent failures, and WeChat's "too frequent"
 * signals with the cool-down they started. The bot side tells it logins and logouts, the
 * outbox worker tells it sends; `GET /bot`, the banner and the staff alarms read it.
 */
export interface LiveReach {
  account: string | null;
  /** the account's display name */
  name: string | null;
  loggedIn: boolean;
  /** logged in since, or unavailable since (logged out, or never logged in: the process start) */
  since: Date;
  lastSentAt: Date | null;
  /** failures of the last hour, newest last (their error text redacted by whoever records it) */
  failures: { at: Date; error: string }[];
  /** "too frequent" (or another limit) answers of the last day */
  limitSignals: Date[];
  /** no send is attempted before this */
  coolingUntil: Date | null;
}

export interface ReachRecorder {
  loggedIn(account: string, name: string | null, at: Date): void;
  loggedOut(at: Date): void;
  sent(at: Date): void;
  failed(at: Date, error: string): void;
  /** WeChat said "too frequent": nothing is sent before `until` */
  limited(at: Date, until: Date): void;
  snapshot(now: Date): LiveReach;
}

const HOUR = 3_600_000;

export function createReachRecorder(startedAt: Date = new Date()): ReachRecorder {
  const s: LiveReach = {
    account: null,
    name: null,
    loggedIn: false,
    since: startedAt,
    lastSentAt: null,
    failures: [],
    limitSignals: [],
    coolingUntil: null,
  };
  return {
    loggedIn(account, name, at) {
      if (!s.loggedIn || s.account !== account) s.since = at;
      s.account = account;
      s.name = name;
      s.loggedIn = true;
    },
    loggedOut(at) {
      if (s.loggedIn) s.since = at;
      s.loggedIn = false;
    },
    sent(at) {
      s.lastSentAt = at;
    },
    failed(at, error) {
      s.failures.push({ at, error: error.slice(0, 200) });
      if (s.failures.length > 50) s.failures.splice(0, s.failures.length - 50);
    },
    limited(at, until) {
      s.limitSignals.push(at);
      if (s.limitSignals.length > 100) s.limitSignals.splice(0, s.limitSignals.length - 100);
      if (!s.coolingUntil || until > s.coolingUntil) s.coolingUntil = until;
    },
    snapshot(now) {
      return {
        ...s,
        failures: s.failures.filter((f) => now.getTime() - f.at.getTime() < HOUR),
        limitSignals: s.limitSignals.filter((d) => now.getTime() - d.getTime() < 24 * HOUR),
        coolingUntil: s.coolingUntil && s.coolingUntil > now ? s.coolingUntil : null,
      };
    },
  };
}

/** How the reach checks judge an account (issue 28). */
export interface ReachPolicy {
  /** due messages above this many count as a backlog */
  backlogAlarm: number;
  /** failures in an hour, with nothing sent since the last, that make an account `failing` */
  failingAfter: number;
}
