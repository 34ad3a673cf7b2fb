/** Issue 15: the published contract passes Redocly's recommended rules with nothing to report, and every operation is named and bilingual. */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { appFixture } from '../support/app-fixture';

const run = promisify(execFile);

it('openapi.json: redocly lint (recommended) reports 0 errors and 0 warnings; operations have ids and Chinese + English summaries', async () => {
  const f = await appFixture();
  try {
    const doc = (await request(f.server).get('/api/v1/openapi.json').expect(200)).body as { paths: Record<string, Record<string, { operationId?: string; summary?: string }>> };
    const file = path.join(f.dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const bin = path.resolve(__dirname, '../../node_modules/.bin/redocly');
    const out = await run(bin, ['lint', file, '--format=json'], { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' }, timeout: 60_000 }).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
    const problems = (JSON.parse(out.stdout) as { problems: { ruleId: string; message: string; location: { pointer: string }[] }[] }).problems;
    expect(problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`)).toEqual([]);
    const ops = Object.values(doc.paths).flatMap((o) => Object.values(o));
    expect(new Set(ops.map((o) => o.operationId)).size).toBe(ops.length);
    for (const o of ops) expect(o.summary).toMatch(/[\u4e00-\u9fff].*[A-Za-z]/);
  } finally { await f.close(); }
}, 90_000);
