import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Deps } from '../deps';
import { generateToken, hashToken } from '../access/tokens';
import { hash as argonHash } from '@node-rs/argon2';
import { generatePassword } from '../access/passwords';

export interface AdminBootstrap {
  /** the token in clear, when this start made it or can read it back from the file */
  token?: string;
  source: 'env' | 'generated' | 'file';
  tokenFile: string;
  /** the first admin's sign-in (user name `admin`), when this start made their password: shown once, never stored in clear */
  password?: { username: string; password: string };
}

/**
 * Makes sure the first admin exists with a working token. With ADMIN_TOKEN that token is
 * the admin's (an older env token is revoked); otherwise one is generated once, stored
 * hashed, and written to DATA_DIR/admin-token (mode 0600) for the person who set it up.
 */
export async function ensureAdmin(deps: Deps, options: { adminToken?: string; dataDir: string }): Promise<AdminBootstrap> {
  const boot = await ensureAdminToken(deps, options);
  return { ...boot, ...(await ensureAdminPassword(deps)) };
}

/**
 * The dashboard's first sign-in: when no user has a password yet, the first admin gets the user
 * name `admin` and a generated password, which they are asked to change (issue 26).
 */
async function ensureAdminPassword({ store }: Deps): Promise<Pick<AdminBootstrap, 'password'>> {
  if (await store.passwords.findOne({})) return {};
  const admin = await store.users.findOne({ role: 'admin', active: true });
  if (!admin) return {};
  const password = generatePassword();
  const made = await store.passwords.insertIfAbsent({
    userId: admin.id,
    username: 'admin',
    hash: await argonHash(password),
    mustChange: true,
  });
  return made ? { password: { username: 'admin', password } } : {};
}

async function ensureAdminToken({ store, log }: Deps, options: { adminToken?: string; dataDir: string }): Promise<AdminBootstrap> {
  const tokenFile = path.join(options.dataDir, 'admin-token');
  const admin =
    (await store.users.findOne({ role: 'admin', active: true })) ??
    (await store.users.insert({ name: '管理员', role: 'admin', scope: 'street', contactId: null, active: true }));

  if (options.adminToken) {
    const hash = hashToken(options.adminToken);
    await store.tokens.updateWhere({ userId: admin.id, label: 'env', revokedAt: null, hash: { ne: hash } }, { revokedAt: new Date() });
    if (!(await store.tokens.findOne({ hash })))
      await store.tokens.insert({ userId: admin.id, hash, label: 'env', lastUsedAt: null, revokedAt: null });
    else await store.tokens.updateWhere({ hash }, { revokedAt: null, userId: admin.id });
    return { source: 'env', tokenFile };
  }

  const fromFile = await readTokenFile(tokenFile);
  if (fromFile && (await isLive(store, fromFile))) return { source: 'file', token: fromFile, tokenFile };
  if (await store.tokens.findOne({ userId: admin.id, label: 'generated', revokedAt: null })) {
    // a token exists but its file is gone: we cannot show it again, and must not mint a second silently
    log.warn({ tokenFile }, 'admin token file missing; delete DATA_DIR or set ADMIN_TOKEN to get a new one');
    return { source: 'file', tokenFile };
  }
  const token = generateToken();
  await store.tokens.insert({ userId: admin.id, hash: hashToken(token), label: 'generated', lastUsedAt: null, revokedAt: null });
  await fs.mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  await fs.writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
  // (the mode applies when the file is made: one left from an older install is narrowed too)
  await fs.chmod(tokenFile, 0o600);
  return { source: 'generated', token, tokenFile };
}

async function isLive(store: Deps['store'], token: string): Promise<boolean> {
  const t = await store.tokens.findOne({ hash: hashToken(token), revokedAt: null });
  return Boolean(t);
}
async function readTokenFile(file: string): Promise<string | undefined> {
  try {
    return (await fs.readFile(file, 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}
