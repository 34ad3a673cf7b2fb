import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Store } from '../storage/store';

/** What `/healthz` knows about writes: a write failed, and whether one has succeeded since. */
export interface StorageHealth {
  /** called where a storage failure is answered (503): `/healthz` says ok:false from now on */
  failed(): void;
  /** true unless a write failed and a probe write still fails, or the store's disk is all but full; a probe that succeeds clears a failure */
  writable(): Promise<boolean>;
}

/**
 * Free space under which the store's disk counts as full: a small write may still fit (SQLite
 * reuses its WAL's space), but whatever grows the database (an import's staging, a photo, a
 * month's submissions) fails, so the operator should hear of it from /healthz before users do.
 */
export const MIN_FREE_BYTES = 16 * 1024 * 1024;

/**
 * A store that cannot write answers reads happily, so a read ping alone would report a full
 * disk as healthy. After a failed write, every health check tries a tiny write of its own
 * (a sequence step) until one succeeds; and a store on a disk of its own (SQLite) is unhealthy
 * while that disk has less than MIN_FREE_BYTES free.
 */
export function storageHealth(store: Store): StorageHealth {
  let failing = false;
  const dir = store.file ? path.dirname(store.file) : null;
  const diskFull = async (): Promise<boolean> => {
    if (!dir) return false;
    const s = await fs.statfs(dir).catch(() => null);
    return s !== null && s.bavail * s.bsize < MIN_FREE_BYTES;
  };
  return {
    failed() {
      failing = true;
    },
    async writable() {
      if (await diskFull()) return false;
      if (!failing) return true;
      try {
        await store.nextSequence('healthz-probe');
        failing = false;
      } catch {
        /* still failing */
      }
      return !failing;
    },
  };
}
