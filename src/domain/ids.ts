import { randomBytes } from 'node:crypto';

let lastMs = 0;
let seq = 0;

/**
 * A 20-character id that sorts by creation time (ms, then a per-process counter), so
 * "order by id" is insertion order in every adapter without a separate sequence.
 */
export function newId(now: number = Date.now()): string {
  if (now <= lastMs) {
    now = lastMs;
    seq += 1;
  } else {
    lastMs = now;
    seq = 0;
  }
  return now.toString(36).padStart(9, '0') + seq.toString(36).padStart(4, '0') + randomBytes(4).toString('hex').slice(0, 7);
}
