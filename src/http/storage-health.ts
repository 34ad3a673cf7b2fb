import type { Store } from '../storage/store';

/** What `/healthz` knows about writes: a write failed, and whether one has succeeded since. */
export interface StorageHealth {
  /** called where a storage failure is answered (503): `/healthz` says ok:false from now on */
  failed(): void;
  /** true unless a write failed and a probe write still fails; a probe that succeeds clears it */
  writable(): Promise<boolean>;
}

/**
 * A store that cannot write answers reads happily, so a read ping alone would report a full
 * disk as healthy. After a failed write, every health check tries a tiny write of its own
 * (a sequence step) until one succeeds.
 */
export function storageHealth(store: Store): StorageHealth {
  let failing = false;
  return {
    failed() { failing = true; },
    async writable() {
      if (!failing) return true;
      try {
        await store.nextSequence('healthz-probe');
        failing = false;
      } catch { /* still failing */ }
      return !failing;
    },
  };
}
