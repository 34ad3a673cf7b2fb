import { INTENT_TTL_MS } from './conversation/intents';
import type { Deps } from './deps';
import { DEFAULT_REACH_POLICY } from './reach/health';
import { createReachRecorder } from './reach/recorder';
import { createBell } from './sending/bell';
import { createOutboxNotifier } from './sending/outbox-notifier';

type Defaulted = 'notifier' | 'bell' | 'intentTtlMs' | 'remindCooldownMs' | 'reach' | 'reachPolicy';
export type DepsInput = Omit<Deps, Defaulted> & Partial<Pick<Deps, Defaulted>>;

/** `催办` once per group in this long, unless configured (REMIND_COOLDOWN_MINUTES) */
export const REMIND_COOLDOWN_MS = 30 * 60_000;

/** Builds the world: a bell and the outbox notifier over this same object unless given. */
export function createDeps(input: DepsInput): Deps {
  const deps = { ...input } as Deps;
  deps.bell ??= createBell();
  deps.reach ??= createReachRecorder(input.clock.now());
  deps.reachPolicy ??= DEFAULT_REACH_POLICY;
  deps.intentTtlMs ??= INTENT_TTL_MS;
  deps.remindCooldownMs ??= REMIND_COOLDOWN_MS;
  deps.notifier ??= createOutboxNotifier(deps);
  return deps;
}
