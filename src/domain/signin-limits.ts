/**
 * How many failed sign-ins are allowed before a lockout, per user name and per address
 * (issue 26). Pure: the counter's next state from the last one and the time. A user name is
 * locked after 5 failures within 15 minutes, an address (many names tried from one place)
 * after 20; either lockout lasts 15 minutes from the failure that reached the limit.
 */
export interface SigninLimit {
  failures: number;
  windowMs: number;
  lockMs: number;
}
export const SIGNIN_LIMITS = {
  user: { failures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
  addr: { failures: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
} as const satisfies Record<string, SigninLimit>;

export interface AttemptState {
  failures: number;
  windowStart: Date;
  lockedUntil: Date | null;
}

/** Whether the counter locks out now; the milliseconds left when it does. */
export const lockedFor = (s: AttemptState | null, now: Date): number =>
  s?.lockedUntil && s.lockedUntil > now ? s.lockedUntil.getTime() - now.getTime() : 0;

/** The counter after one more failure: a window past its time starts again; reaching the limit locks. */
export function afterFailure(s: AttemptState | null, now: Date, limit: SigninLimit): AttemptState {
  const fresh = !s || now.getTime() - s.windowStart.getTime() >= limit.windowMs || (s.lockedUntil !== null && s.lockedUntil <= now);
  const failures = fresh ? 1 : s.failures + 1;
  const windowStart = fresh ? now : s.windowStart;
  return { failures, windowStart, lockedUntil: failures >= limit.failures ? new Date(now.getTime() + limit.lockMs) : null };
}

/** Minutes shown in a lockout answer (rounded up: "1 minute" until the last second). */
export const minutesOf = (ms: number): number => Math.max(1, Math.ceil(ms / 60_000));
