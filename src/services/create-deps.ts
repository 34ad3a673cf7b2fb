import { INTENT_TTL_MS } from './conversation/intents';
import type { Deps } from './deps';
import { createBell } from './sending/bell';
import { createOutboxNotifier } from './sending/outbox-notifier';

export type DepsInput = Omit<Deps, 'notifier' | 'bell' | 'intentTtlMs'> & Partial<Pick<Deps, 'notifier' | 'bell' | 'intentTtlMs'>>;

/** Builds the world: a bell and the outbox notifier over this same object unless given. */
export function createDeps(input: DepsInput): Deps {
  const deps = { ...input } as Deps;
  deps.bell ??= createBell();
  deps.intentTtlMs ??= INTENT_TTL_MS;
  deps.notifier ??= createOutboxNotifier(deps);
  return deps;
}
