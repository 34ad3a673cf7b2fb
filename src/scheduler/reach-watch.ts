import type { Deps } from '../services/deps';
import { watchReach, type WatchOptions } from '../services/reach/watch';

/** Looks at the account every `everyMs` (staff alarms, SMS failover: issue 28); `tick` runs one look now (tests, a login). */
export function startReachWatch(deps: Deps, o: WatchOptions & { everyMs: number }) {
  let running: Promise<unknown> | null = null;
  // the notices already looked at for landlords reachable by SMS only (each once per process)
  const seen = new Set<string>();
  const tick = () =>
    (running ??= watchReach(deps, { ...o, seen })
      .catch((err) => deps.log.error({ err }, 'reach watch failed'))
      .finally(() => {
        running = null;
      }));
  const timer = setInterval(() => void tick(), o.everyMs);
  timer.unref();
  return {
    tick,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
