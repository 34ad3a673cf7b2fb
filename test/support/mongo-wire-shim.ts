/**
 * Starts test/support/mongo-wire-shim.py: a wire-protocol STAND-IN for MongoDB (mongomock
 * behind an OP_MSG server), not MongoDB. Rejects when no python3 here has mongomock + bson.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

export interface WireShim { uri: string; port: number; pid: number; stop(): Promise<void> }

const SCRIPT = path.join(__dirname, 'mongo-wire-shim.py');

/** The first python3 that can import mongomock, bson and pymongo (Debian's lives in /usr/bin, not in a pyenv). */
export function shimPython(): string | null {
  for (const py of [process.env.MONGO_SHIM_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean) as string[]) {
    const r = spawnSync(py, ['-c', 'import mongomock, bson, pymongo'], { stdio: 'ignore', timeout: 10_000 });
    if (r.status === 0) return py;
  }
  return null;
}

export async function startWireShim(port = Number(process.env.MONGO_SHIM_PORT ?? 0)): Promise<WireShim> {
  const py = shimPython();
  if (!py) throw new Error('no python3 with mongomock (apt-get install python3-mongomock python3-pymongo)');
  const child = spawn(py, [SCRIPT, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const listening = await new Promise<number>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', (l) => { const m = /^listening (\d+)$/.exec(l); if (m) resolve(Number(m[1])); else reject(new Error(`shim said: ${l}`)); });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`shim exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    uri: `mongodb://127.0.0.1:${listening}/?directConnection=true`,
    port: listening,
    pid: child.pid!,
    async stop() { child.stdin!.end(); child.kill('SIGTERM'); await exited; },
  };
}
