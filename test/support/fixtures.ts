import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { fixedClock } from '../../src/domain/clock';
import type { Deps } from '../../src/services/deps';
import type { Store } from '../../src/storage/store';

export const SAMPLE_ROSTER = path.resolve(__dirname, '../../../shared/data/roster-sample.csv');
export const sampleRosterBytes = (): Buffer => readFileSync(SAMPLE_ROSTER);

export function tempDir(prefix = 'anxin-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const silentLog = pino({ level: 'silent' });

export function depsFor(store: Store, now = '2026-11-15T02:00:00Z'): Deps & { clock: ReturnType<typeof fixedClock> } {
  return { store, clock: fixedClock(now), log: silentLog, timeZone: 'Asia/Shanghai' };
}
