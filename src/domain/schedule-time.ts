import { CronExpressionParser } from 'cron-parser';

/** Whether a 5-field cron expression is valid. */
export function isValidCron(expr: string): boolean {
  if (expr.trim().split(/\s+/).length !== 5) return false;
  try {
    CronExpressionParser.parse(expr);
    return true;
  } catch {
    return false;
  }
}

/** The first run of a cron expression strictly after `after`, in a time zone. */
export function nextCronRun(expr: string, timeZone: string, after: Date): Date {
  return CronExpressionParser.parse(expr, { tz: timeZone, currentDate: after }).next().toDate();
}

/** The next `n` runs of a cron expression after `after`, in a time zone (a schedule's preview). */
export function nextCronRuns(expr: string, timeZone: string, after: Date, n: number): Date[] {
  const it = CronExpressionParser.parse(expr, { tz: timeZone, currentDate: after });
  return Array.from({ length: n }, () => it.next().toDate());
}

/**
 * The runs of a schedule that fell due between its last run and now, at most one: a
 * process that was down for three days does a missed daily run once, not three times.
 */
export function dueRun(expr: string, timeZone: string, lastRunAt: Date, now: Date): Date | null {
  let next = nextCronRun(expr, timeZone, lastRunAt);
  if (next > now) return null;
  // skip to the latest due run: the rest were missed while down, and are not repeated
  for (let guard = 0; guard < 10_000; guard += 1) {
    const after = nextCronRun(expr, timeZone, next);
    if (after > now) return next;
    next = after;
  }
  return next;
}
