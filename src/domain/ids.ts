import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let seq = 0;
// random bytes drawn 4 KiB at a time: one syscall per 1024 ids instead of one each
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function randomHex7(): string {
  if (poolAt + 4 > pool.length) { randomFillSync(pool); poolAt = 0; }
  const hex = pool.toString('hex', poolAt, poolAt + 4).slice(0, 7);
  poolAt += 4;
  return hex;
}

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
  return now.toString(36).padStart(9, '0') + seq.toString(36).padStart(4, '0') + randomHex7();
}
