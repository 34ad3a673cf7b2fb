/**
 * Issue 13: `compose.yaml` is a valid Compose file (checked by Compose itself: `docker compose
 * config`, or the older `docker-compose config` that `.ci/run` installs from Debian), and it
 * passes every setting of the README to the bot.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const compose = (): string[] | null => {
  for (const cmd of [['docker', 'compose'], ['docker-compose']]) {
    const r = spawnSync(cmd[0]!, [...cmd.slice(1), 'version'], { encoding: 'utf8' });
    if (r.status === 0) return cmd;
  }
  return null;
};
const cmd = compose();

(cmd ? it : it.skip)(`compose.yaml is valid for Compose${cmd ? '' : ' (SKIPPED: neither `docker compose` nor `docker-compose` is installed)'}`, () => {
  const r = spawnSync(cmd![0]!, [...cmd!.slice(1), '-f', 'compose.yaml', 'config', '-q'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PORT: '3000' } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

it('compose.yaml passes every setting the README lists (except those fixed by the image or by compose)', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const settings = [...readme.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!);
  expect(settings.length).toBeGreaterThan(10);
  const file = readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8');
  // PORT, HOST and DATA_DIR are the image's (3000, all interfaces, /data); MONGODB_URI is compose's own
  const fixed = new Set(['PORT', 'HOST', 'DATA_DIR', 'MONGODB_ALLOW_STANDALONE']);
  expect(settings.filter((s) => !fixed.has(s) && !new RegExp(`^\\s+${s}: `, 'm').test(file))).toEqual([]);
});
