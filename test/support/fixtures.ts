import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { fixedClock } from '../../src/domain/clock';
import { createDeps } from '../../src/services/create-deps';
import type { Deps } from '../../src/services/deps';
import { createI18nSync } from '../../src/i18n';
import type { Store } from '../../src/storage/store';

/** the sample roster (a copy of the one staff were given, kept in the repository so a clone anywhere runs the tests) */
export const SAMPLE_ROSTER = path.resolve(__dirname, '../../samples/roster-sample.csv');
export const sampleRosterBytes = (): Buffer => readFileSync(SAMPLE_ROSTER);

export function tempDir(prefix = 'anxin-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const silentLog = pino({ level: 'silent' });

let i18n: ReturnType<typeof createI18nSync> | undefined;
/** the app's translator (every namespace, zh-CN first), made once per test file */
export const testT = () => (i18n ??= createI18nSync('zh-CN')).t.bind(i18n);

/** The world over a store, on a fixed clock, as `createDeps` builds it for the app (bell, outbox notifier). */
export function depsFor(store: Store, now = '2026-11-15T02:00:00Z', o: Partial<Pick<Deps, 'bell' | 'intentTtlMs'>> = {}): Deps & { clock: ReturnType<typeof fixedClock> } {
  const clock = fixedClock(now);
  return Object.assign(createDeps({ store, clock, log: silentLog, timeZone: 'Asia/Shanghai', t: testT(), locale: 'zh-CN', ...o }), { clock });
}

/** Phone and ID numbers as they must never appear in a group (SPEC §3 Personal data). */
/**
 * A mobile number standing on its own, not digits inside an id: ids end in a counter and random
 * hex, so a JSON body of a few hundred records now and then holds "13…" eleven digits long inside one
 * (a flaky "full phone number reached a head" under load).
 */
export const MOBILE = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/;
export const PERSONAL_DATA = [/1[3-9]\d{9}/, /\d{17}[\dXx]/, /\d{15}/, /0\d{2,3}-?\d{7,8}/];

/** Throws if any of these room messages carries a phone or ID number: fixtures call it when they close, so every test checks it. */
export function assertNoPersonalData(roomTexts: string[]): void {
  const leaks = roomTexts.filter((t) => PERSONAL_DATA.some((re) => re.test(t)));
  if (leaks.length) throw new Error(`personal data in a room message: ${leaks[0]!.slice(0, 120)}`);
}
