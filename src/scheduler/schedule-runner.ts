import cron from 'node-cron';
import { DEFAULT_SCHEDULE } from '../domain/default-schedule';
import { dueRun, nextCronRun } from '../domain/schedule-time';
import type { Deps } from '../services/deps';
import { runSchedule } from './run-schedule';
import { keepFiguresCurrent, verifyDue, verifyFigures } from '../services/figures/kept-figures';

/**
 * The kept figures' time-driven changes (issue 29) on each tick, apart from the schedules (a
 * month's rebuild or a verifying recount never holds up a run): deadlines passed, a month
 * begun or a letter published, and the verifying recount when due.
 */
function figuresTicker(deps: Deps): () => Promise<void> {
  let busy = false;
  return async () => {
    if (busy) return;
    busy = true;
    try {
      await keepFiguresCurrent(deps);
      if (await verifyDue(deps)) await verifyFigures(deps);
    } catch (err) {
      deps.log.error({ err }, 'kept figures tick failed');
    } finally {
      busy = false;
    }
  };
}

/** Stores the default schedule the first time; a schedule someone changed is left as it is. */
export async function ensureDefaultSchedules(deps: Deps): Promise<void> {
  const now = deps.clock.now();
  const existing = new Set(await deps.store.schedules.distinct('name', {}));
  for (const d of DEFAULT_SCHEDULE.filter((x) => !existing.has(x.name))) {
    // (another process may have stored it first)
    await deps.store.schedules.insertIfAbsent({
      ...d,
      timeZone: deps.timeZone,
      enabled: true,
      lastRunAt: null,
      nextRunAt: nextCronRun(d.cron, deps.timeZone, now),
    });
  }
}

/**
 * Runs what is due, computed from the store, not from timers: a run missed while the
 * process was down happens once when it is back. The work is done first and is
 * idempotent (keyed posts, one round per period), then the run is claimed by moving
 * nextRunAt with a compare-and-set — so a crash in between repeats nothing, and of
 * several processes sharing the store, each run's effects happen once.
 */
export async function runDueSchedules(deps: Deps): Promise<{ name: string; runAt: Date; posts: number }[]> {
  const now = deps.clock.now();
  const due = await deps.store.schedules.find({ enabled: true, nextRunAt: { lte: now } }, { sort: { nextRunAt: 1 } });
  const ran = [];
  for (const s of due) {
    const runAt = dueRun(s.cron, s.timeZone, new Date(s.nextRunAt.getTime() - 1), now) ?? s.nextRunAt;
    let posts: number;
    try {
      posts = await runSchedule(deps, s, runAt);
    } catch (err) {
      deps.log.error({ err, schedule: s.name }, 'schedule run failed');
      continue; // stays due; tried again on the next tick
    }
    const claimed = await deps.store.schedules.updateWhere(
      { id: s.id, nextRunAt: s.nextRunAt },
      { lastRunAt: runAt, nextRunAt: nextCronRun(s.cron, s.timeZone, now) },
    );
    if (claimed) ran.push({ name: s.name, runAt, posts });
  }
  return ran;
}

/** node-cron only ticks (once a minute, and once at start); the store says what is due. */
export function startScheduler(deps: Deps): { stop(): void } {
  let busy = false;
  const figures = figuresTicker(deps);
  const tick = async () => {
    void figures();
    if (busy) return;
    busy = true;
    try {
      const ran = await runDueSchedules(deps);
      for (const r of ran) deps.log.info({ schedule: r.name, posts: r.posts }, 'schedule ran');
    } catch (err) {
      deps.log.error({ err }, 'scheduler tick failed');
    } finally {
      busy = false;
    }
  };
  const task = cron.schedule('* * * * *', () => {
    void tick();
  });
  void tick();
  return {
    stop: () => {
      void task.stop();
    },
  };
}
