/**
 * npm run bench:archive — 一户一档 on paper (issue 27): a group of ten houses, each with a year
 * of history (twelve rounds with a photo per item, hazards with evidence, a tip), in a fresh
 * SQLite store behind the real app; prints the time `GET /groups/:id/archive.pdf` takes, cold
 * (the first file after start: the font prepared at start as main.ts does, every photo's
 * thumbnail still to make) and warm (thumbnails cached), against the 5 s target, and what
 * preparing the font at start took (what the first file used to wait for as well).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import sharp from 'sharp';
import { systemClock } from '../../src/domain/clock';
import { BASE_ITEMS } from '../../src/domain/checklist';
import { createApp } from '../../src/http/create-app';
import { preparePdfFont } from '../../src/render/pdf/pdf-document';
import { createTranslator } from '../../src/i18n';
import { createDeps } from '../../src/services/create-deps';
import { ensureAdmin } from '../../src/services/setup/ensure-admin';
import { ensureDefaults } from '../../src/services/setup/ensure-defaults';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store';

const TARGET_S = 5;
const ROSTER = path.resolve(__dirname, '../../samples/roster-sample.csv');

/** a phone-sized photo: 1280×960 JPEG of noise (as costly to decode as a real one) */
const photo = (seed: number) =>
  sharp({ create: { width: 1280, height: 960, channels: 3, background: { r: seed % 255, g: (seed * 7) % 255, b: 90 }, noise: { type: 'gaussian', mean: 128, sigma: 30 } } })
    .jpeg({ quality: 80 })
    .toBuffer();

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anxin-bench-archive-'));
  const store = createSqliteStore({ dataDir: dir });
  try {
    const deps = createDeps({ store, clock: systemClock, log: pino({ level: 'silent' }), timeZone: 'Asia/Shanghai', t: createTranslator('zh-CN'), locale: 'zh-CN' });
    await ensureDefaults(deps);
    const { token } = await ensureAdmin(deps, { dataDir: dir });
    const app = createApp({ ...deps, demo: false, botStatus: () => ({ puppet: 'none', loggedIn: false }) });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const headers = { Authorization: `Bearer ${token}` };
    const form = new FormData();
    form.append('file', new Blob([readFileSync(ROSTER)]), 'roster.csv');
    const imported = await fetch(`${base}/api/v1/import/roster`, { method: 'POST', headers, body: form });
    if (!imported.ok) throw new Error(`roster import: ${imported.status} ${await imported.text()}`);
    const group = (await store.groups.findOne({ name: '平山村第1网格联防1组' }))!;
    const houses = await store.houses.find({ groupId: group.id });
    let seed = 0;
    let photos = 0;
    const keep = async (houseId: string, extra: { roundId?: string; item?: (typeof BASE_ITEMS)[number]; hazardId?: string }) => {
      const bytes = await photo((seed += 1));
      const blob = await store.blobs.put(bytes);
      photos += 1;
      return store.photos.insert({ sha256: blob.sha256, mime: 'image/jpeg', size: blob.size, contactId: null, messageId: null, houseId, roundId: extra.roundId ?? null, item: extra.item ?? null, hazardId: extra.hazardId ?? null, tipId: null, counted: true });
    };
    for (let m = 0; m < 12; m += 1) {
      const at = new Date(Date.UTC(2025, 11 + m, 1, 1));
      const round = await store.rounds.insert({ period: at.toISOString().slice(0, 7), deadline: new Date(at.getTime() + 19 * 86_400_000), scope: `group:${group.id}`, status: 'closed', openedAt: at });
      for (const h of houses) {
        const items: Record<string, string[]> = {};
        for (const item of BASE_ITEMS) items[item] = [(await keep(h.id, { roundId: round.id, item })).id];
        await store.submissions.insert({ communityId: h.communityId, gridId: h.gridId, groupId: h.groupId, roundId: round.id, period: round.period, houseId: h.id, houseCode: h.code, status: 'approved', items, returnReason: null, reviewedBy: 'user:bench', reviewedAt: at, createdAt: at });
      }
    }
    for (const h of houses) {
      for (const [i, description] of ['楼道堆放杂物', '插线板串接', '电动车在楼道充电'].entries()) {
        const hz = await store.hazards.insert({ communityId: h.communityId, gridId: h.gridId, groupId: h.groupId, number: await store.nextSequence('hazard'), houseId: h.id, houseCode: h.code, description, deadline: new Date(Date.UTC(2026, 10, 20 + i)), status: i === 2 ? 'open' : 'rectified', openedBy: 'user:bench', evidencePhotoIds: [], sitePhotos: null, rectifiedAt: null, closedAt: null, closedBy: null });
        if (i < 2) await store.hazards.update(hz.id, { evidencePhotoIds: [(await keep(h.id, { hazardId: hz.id })).id] });
      }
    }
    const timed = async () => {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/v1/groups/${group.id}/archive.pdf`, { headers });
      const bytes = Buffer.from(await res.arrayBuffer());
      if (!res.ok) throw new Error(`archive.pdf: ${res.status} ${bytes.toString('utf8').slice(0, 200)}`);
      return { seconds: (performance.now() - t0) / 1000, size: bytes.length };
    };
    // as main.ts does once the server listens
    const t0 = performance.now();
    await preparePdfFont();
    const prepared = (performance.now() - t0) / 1000;
    const cold = await timed();
    const warm = await timed();
    server.close();
    const line = (label: string, r: { seconds: number; size: number }) =>
      `  ${label.padEnd(16)} ${r.seconds.toFixed(2)} s  (${(r.size / 1024 / 1024).toFixed(1)} MB)  target < ${TARGET_S} s  ratio ${(r.seconds / TARGET_S).toFixed(2)}  ${r.seconds < TARGET_S ? 'OK' : 'ABOVE TARGET'}`;
    process.stdout.write(
      [
        `bench:archive — GET /groups/:id/archive.pdf for ${houses.length} houses, ${photos} photos (SQLite, ${os.cpus().length} cores, Node ${process.version})`,
        `  font prepared at start  ${prepared.toFixed(2)} s  (before, the first file waited for this too)`,
        line('cold (first file)', cold),
        line('warm', warm),
      ].join('\n') + '\n',
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
