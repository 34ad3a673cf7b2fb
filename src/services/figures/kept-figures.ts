import { periodOf } from '../../domain/period';
import type { Drift } from '../../storage/figures';
import { currentLetterVersion } from '../commitments/letter-version';
import type { Deps } from '../deps';

/** How often the kept figures are checked against a recount (and repaired where they drifted). */
export const VERIFY_EVERY_MS = 6 * 3600_000;

/**
 * The time-driven changes of the kept figures (issue 29), applied by the scheduler as they
 * happen: the kept instant moved to now (hazards whose deadline passed become overdue), and a
 * month begun or a letter published starts being kept (a rebuild in chunks; reads recount
 * until it is done). Nothing to do for a store that recounts.
 */
export async function keepFiguresCurrent(deps: Deps): Promise<{ kept: boolean; rebuilt: boolean; overdue: number }> {
  const kept = deps.store.kept;
  if (!kept) return { kept: false, rebuilt: false, overdue: 0 };
  const now = deps.clock.now();
  const outcome = await kept.keep(periodOf(now, deps.timeZone), await currentLetterVersion(deps.store), now);
  const overdue = await kept.advance(now);
  if (outcome === 'rebuilt') deps.log.info({ period: periodOf(now, deps.timeZone) }, 'kept figures rebuilt for the month and letter');
  return { kept: true, rebuilt: outcome === 'rebuilt', overdue };
}

/**
 * The verifying recount: off the event loop (the store's worker), compared place by place with
 * the counters; any drift is repaired and reported (a warning in the log, and the count of
 * places in the store's figure state, which /healthz shows).
 */
export async function verifyFigures(deps: Deps): Promise<{ drift: Drift[]; ms: number } | null> {
  const kept = deps.store.kept;
  if (!kept) return null;
  const r = await kept.verify();
  if (r.drift.length)
    deps.log.warn(
      { places: r.drift.length, drift: r.drift.slice(0, 20), ms: Math.round(r.ms) },
      'kept figures drifted from a recount; repaired',
    );
  else deps.log.info({ ms: Math.round(r.ms) }, 'kept figures verified against a recount');
  return r;
}

/** Whether the verifying recount is due: never run, or VERIFY_EVERY_MS ago (the store remembers, across restarts). */
export async function verifyDue(deps: Deps): Promise<boolean> {
  const kept = deps.store.kept;
  if (!kept) return false;
  const st = await kept.state();
  return st.ready && (!st.verifiedAt || deps.clock.now().getTime() - st.verifiedAt.getTime() >= VERIFY_EVERY_MS);
}
