/**
 * The real process, as `npm start` runs it (through tsx, so no build step): start-up in
 * demo mode, health, a roster import, kill -9, restart — and everything is still there.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { sampleRosterBytes, tempDir } from '../support/fixtures';

const ROOT = path.resolve(__dirname, '../..');
// node itself with tsx's loader (not the tsx wrapper, which forks): signals reach the real process
const NODE_ARGS = ['--import', 'tsx', 'src/main.ts'];

async function freePort(): Promise<number> {
  const srv = net.createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as net.AddressInfo;
  srv.close();
  return port;
}

function startApp(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, NODE_ARGS, {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  return { child, output: () => out };
}

// a bound on a hang (how fast it starts is not measured here: beside other work it can take a minute)
async function waitHealthy(port: number, within = 90_000): Promise<Record<string, unknown>> {
  const until = Date.now() + within;
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      const body = (await r.json()) as Record<string, unknown>;
      if (body.loggedIn) return body;
    } catch {
      /* not up yet */
    }
    if (Date.now() > until) throw new Error('not healthy in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const api = (port: number, token: string, p: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${port}/api/v1${p}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });

describe('the process', () => {
  const tmp = tempDir('anxin-e2e-');
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    tmp.cleanup();
  });

  it('starts in demo mode, survives kill -9 after an import, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const env = { PORT: String(port), DATA_DIR: tmp.dir, DEMO_SEED: '0' };
    const first = startApp(env);
    children.push(first.child);
    const health = await waitHealthy(port);
    // (the kept figures' state joins once the scheduler's first tick has begun keeping the month: that races the first answer)
    const { figures, ...rest } = health as { figures?: unknown };
    expect(rest).toEqual({ ok: true, storage: 'sqlite', puppet: 'wechaty-puppet-mock', loggedIn: true, demo: true });
    if (figures) expect(figures).toMatchObject({ period: expect.stringMatching(/^\d{4}-\d{2}$/), ready: expect.any(Boolean) });
    const token = readFileSync(path.join(tmp.dir, 'admin-token'), 'utf8').trim();
    expect(first.output()).toContain(token); // printed once, for the person who started it
    expect(first.output()).toContain(`http://localhost:${port}/`);

    // a URL with raw (unencoded) UTF-8, which Node's parser refuses before the app: still a JSON 4xx
    const raw = await new Promise<string>((resolve, reject) => {
      const c = net.connect(port, '127.0.0.1', () =>
        c.end(Buffer.concat([Buffer.from('GET /api/v1/houses?q='), Buffer.from('平山村'), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')])),
      );
      let got = '';
      c.on('data', (d) => {
        got += d;
      })
        .on('end', () => resolve(got))
        .on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toEqual({
      error: { code: 'bad_request', message: expect.stringContaining('请求无效') },
    });

    const form = new FormData();
    form.append('file', new Blob([sampleRosterBytes()]), 'roster.csv');
    const imported = await api(port, token, '/import/roster', { method: 'POST', body: form });
    expect(await imported.json()).toMatchObject({ created: 40 });

    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

    const second = startApp(env);
    children.push(second.child);
    await waitHealthy(port);
    const stats = (await (await api(port, token, '/stats?scope=street')).json()) as Record<string, unknown>;
    expect(stats).toMatchObject({ houses: 40, keyHouses: 16 });
    expect(((await (await api(port, token, '/landlords')).json()) as { total: number }).total).toBe(40);
    expect(second.output()).not.toContain('15000001408'); // no roster phone in the log

    second.child.kill('SIGTERM');
    const [code] = await once(second.child, 'exit');
    expect(code).toBe(0);
  }, 240_000);

  it('seeds the demo street by default, and refuses a bad setting with one line naming it', async () => {
    const demo = tempDir('anxin-e2e-demo-');
    try {
      const port = await freePort();
      const app = startApp({ PORT: String(port), DATA_DIR: demo.dir });
      children.push(app.child);
      await waitHealthy(port);
      const token = readFileSync(path.join(demo.dir, 'admin-token'), 'utf8').trim();
      const stats = (await (await api(port, token, '/stats')).json()) as { houses: number };
      expect(stats.houses).toBe(120);
      app.child.kill('SIGINT');
      expect((await once(app.child, 'exit'))[0]).toBe(0);
    } finally {
      demo.cleanup();
    }
    const bad = spawnSync(process.execPath, NODE_ARGS, {
      cwd: ROOT,
      env: { ...process.env, PORT: 'abc' },
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^配置错误 Invalid configuration: PORT: PORT must be a whole number \(got "abc"\)$/);
  }, 240_000);
});
