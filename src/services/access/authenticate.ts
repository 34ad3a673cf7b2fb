import { DomainError } from '../../domain/errors';
import type { User } from '../../domain/types';
import type { Store } from '../../storage/store';
import { hashToken } from './tokens';

/** `Authorization: Bearer TOKEN` → the active user it belongs to, or `unauthorized`. */
export async function authenticate(store: Store, authorization: string | undefined): Promise<User> {
  const m = /^Bearer\s+(\S{8,512})\s*$/i.exec(authorization ?? '');
  if (!m?.[1]) throw new DomainError('unauthorized', 'missing bearer token');
  const token = await store.tokens.findOne({ hash: hashToken(m[1]), revokedAt: null });
  const user = token ? await store.users.get(token.userId) : null;
  if (!user || !user.active) throw new DomainError('unauthorized', 'invalid token');
  return user;
}
