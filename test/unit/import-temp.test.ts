/** Issue 12: an import's temp folder is its own; what a killed import left is swept by the next. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importTempDir, sweepImportTemp } from '../../src/services/roster/spawn-roster-worker';

it('sweeps the folders of imports whose process is gone, and leaves a live process\'s alone', () => {
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // a pid that has exited
  const stale = path.join(os.tmpdir(), `anxin-import-${dead}-stale`);
  const live = path.join(os.tmpdir(), `anxin-import-${process.ppid}-live`);
  for (const d of [stale, live]) { mkdirSync(d, { recursive: true }); writeFileSync(path.join(d, 'tmp-sheet'), 'x'); }
  let mine: string | undefined;
  try {
    mine = importTempDir();
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(path.basename(mine)).toMatch(new RegExp(`^anxin-import-${process.pid}-`));
    expect(existsSync(mine)).toBe(true);
  } finally {
    for (const d of [stale, live, mine]) if (d) rmSync(d, { recursive: true, force: true });
  }
});

it('at start sweeps this process\'s own pid too (a container\'s app is pid 1 after every restart), and only then', () => {
  const own = path.join(os.tmpdir(), `anxin-import-${process.pid}-before-restart`);
  mkdirSync(own, { recursive: true });
  try {
    sweepImportTemp();
    expect(existsSync(own)).toBe(true); // (an import of this process may be running)
    sweepImportTemp(true);
    expect(existsSync(own)).toBe(false);
  } finally {
    rmSync(own, { recursive: true, force: true });
  }
});
