import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { start, type Running } from '../../src/main';
import { silentLog, tempDir } from './fixtures';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies, checked by the assertions
export type Line = { from: string; text?: string; image?: string; kind?: string; mentions: string[] };

/**
 * The app as `npm start` composes it (in-process, demo mode, the seeded demo street,
 * unpaced sending) and a small client for its API and simulator.
 */
export async function demoApp(prefix: string) {
  const tmp = tempDir(prefix);
  const running: Running = await start(loadConfig({ DATA_DIR: tmp.dir, PORT: '0', HOST: '127.0.0.1', SEND_INTERVAL_MS: '0' }), silentLog);
  const base = `http://127.0.0.1:${(running.server.address() as AddressInfo).port}`;
  const token = readFileSync(path.join(tmp.dir, 'admin-token'), 'utf8').trim();
  async function call(method: string, p: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const r = await fetch(`${base}/api/v1${p}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as Json };
  }
  return {
    base, token, call,
    transcript: async (room: string) => (await call('GET', `/sim/rooms/${room}/messages`)).body as Line[],
    chat: async (contact: string) => (await call('GET', `/sim/contacts/${contact}/messages`)).body as Line[],
    /** the last four digits of a house's roster phone, as the admin reads them: what proves a registration (issue 25) */
    async proofOf(house: { landlordId: string }): Promise<string> {
      return String((await call('GET', `/landlords/${house.landlordId}`)).body.phone).slice(-4);
    },
    async close() { await running.stop(); tmp.cleanup(); },
  };
}

/** Polls until `check` gives a value: a wait for an outcome (the bot's replies), bounded by the test's timeout. */
export async function until<T>(check: () => Promise<T | false | undefined>): Promise<T> {
  for (;;) {
    const v = await check();
    if (v !== false && v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}
