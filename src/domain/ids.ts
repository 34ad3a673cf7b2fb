import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let seq = 0;
/** lastMs in base 36, as an id begins (a clock at or before 1970 on the first call gets lastMs's, 0's, as before) */
let prefix = '000000000';
// random bytes drawn 4 KiB at a time, as hex: one syscall per 1024 ids instead of one each
const pool = Buffer.alloc(4096);
let poolHex = '';
let poolAt = poolHex.length;

function randomHex7(): string {
  if (poolAt + 7 > poolHex.length) {
    randomFillSync(pool);
    poolHex = pool.toString('hex');
    poolAt = 0;
  }
  const hex = poolHex.slice(poolAt, poolAt + 7);
  poolAt += 8;
  return hex;
}

/**
 * A 20-character id that sorts by creation time (ms, then a per-process counter), so
 * "order by id" is insertion order in every adapter without a separate sequence.
 */
export function newId(now: number = Date.now()): string {
  if (now <= lastMs) {
    seq += 1;
  } else {
    lastMs = now;
    prefix = now.toString(36).padStart(9, '0');
    seq = 0;
  }
  return prefix + (seq < 36 ? `000${seq.toString(36)}` : seq.toString(36).padStart(4, '0')) + randomHex7();
}
