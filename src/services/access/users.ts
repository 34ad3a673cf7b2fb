import { DomainError } from '../../domain/errors';
import type { PlacedScope } from '../../domain/scope';
import type { Role, User } from '../../domain/types';
import type { Deps } from '../deps';
import { audit } from './audit';
import { resolveScope } from './resolve-scope';
import { generateToken, hashToken } from './tokens';

/** Which scopes each role works in: an admin the street, a head one group, staff a street, community or grid. */
function checkRoleScope(role: Role, scope: PlacedScope): void {
  const ok = role === 'admin' ? scope.level === 'street' : role === 'head' ? scope.level === 'group' : scope.level !== 'group';
  if (!ok)
    throw new DomainError('scope_invalid', `role ${role} cannot work in a ${scope.level} scope`, { scope: `${role} → ${scope.level}` });
}

const placedAt = (p: PlacedScope) => ({ communityId: p.communityId ?? null, gridId: p.gridId ?? null, groupId: p.groupId ?? null });

/** A new token for a user; every earlier live token of theirs is revoked (rotation). The token is shown once. */
async function issueToken({ store, clock }: Deps, userId: string, label: string): Promise<string> {
  await store.tokens.updateWhere({ userId, revokedAt: null }, { revokedAt: clock.now() });
  const token = generateToken();
  await store.tokens.insert({ userId, hash: hashToken(token), label, lastUsedAt: null, revokedAt: null });
  return token;
}

/** `POST /users {name, role, scope}` → the user and its token, shown once (SPEC §6). */
export async function createUser(
  deps: Deps,
  input: { name: string; role: Role; scope: PlacedScope & { label: string }; by: string },
): Promise<{ user: User; token: string }> {
  checkRoleScope(input.role, input.scope);
  return deps.store.atomically(async () => {
    const user = await deps.store.users.insert({
      name: input.name,
      role: input.role,
      scope: input.scope.label,
      contactId: null,
      active: true,
    });
    const token = await issueToken(deps, user.id, 'api');
    await audit(deps, {
      actor: input.by,
      action: 'create_user',
      target: `users:${user.id}`,
      detail: { after: { name: user.name, role: user.role, scope: user.scope } },
      at: placedAt(input.scope),
    });
    return { user, token };
  });
}

/** The last active admin cannot be removed, demoted or switched off: someone must be able to manage users. */
async function keepAnAdmin({ store }: Deps, user: User): Promise<void> {
  if (user.role !== 'admin' || !user.active) return;
  if ((await store.users.count({ role: 'admin', active: true })) <= 1) throw new DomainError('last_admin', user.id);
}

export async function updateUser(
  deps: Deps,
  input: { user: User; patch: { name?: string; role?: Role; scope?: PlacedScope & { label: string }; active?: boolean }; by: string },
): Promise<User> {
  const { user, patch } = input;
  const role = patch.role ?? user.role;
  if (patch.role !== undefined || patch.scope !== undefined) {
    checkRoleScope(role, patch.scope ?? (await resolveScope(deps.store, user.scope)));
  }
  return deps.store.atomically(async () => {
    if ((patch.role !== undefined && patch.role !== 'admin') || patch.active === false) await keepAnAdmin(deps, user);
    const change = {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.scope ? { scope: patch.scope.label } : {}),
      ...(patch.active !== undefined ? { active: patch.active } : {}),
    };
    const after = (await deps.store.users.update(user.id, change))!;
    // a user switched off loses their tokens at once
    if (patch.active === false) {
      await deps.store.tokens.updateWhere({ userId: user.id, revokedAt: null }, { revokedAt: deps.clock.now() });
      await deps.store.sessions.updateWhere({ userId: user.id, revokedAt: null }, { revokedAt: deps.clock.now() });
    }
    const before = Object.fromEntries(Object.keys(change).map((k) => [k, (user as unknown as Record<string, unknown>)[k]]));
    await audit(deps, { actor: input.by, action: 'edit_user', target: `users:${user.id}`, detail: { before, after: change } });
    return after;
  });
}

/** `DELETE /users/:id`: the user and their WeChat link go, their tokens are revoked. */
export async function removeUser(deps: Deps, input: { user: User; by: string }): Promise<void> {
  const { store } = deps;
  await store.atomically(async () => {
    await keepAnAdmin(deps, input.user);
    await store.tokens.updateWhere({ userId: input.user.id, revokedAt: null }, { revokedAt: deps.clock.now() });
    await store.contacts.updateWhere({ userId: input.user.id }, { userId: null });
    await store.sessions.updateWhere({ userId: input.user.id, revokedAt: null }, { revokedAt: deps.clock.now() });
    await store.passwords.deleteWhere({ userId: input.user.id });
    await store.users.delete(input.user.id);
    await audit(deps, {
      actor: input.by,
      action: 'delete_user',
      target: `users:${input.user.id}`,
      detail: { before: { name: input.user.name, role: input.user.role, scope: input.user.scope } },
    });
  });
}

/** `POST /users/:id/token`: a new token; the old ones stop working. */
export async function rotateToken(deps: Deps, input: { user: User; by: string }): Promise<string> {
  return deps.store.atomically(async () => {
    const token = await issueToken(deps, input.user.id, 'api');
    await audit(deps, { actor: input.by, action: 'rotate_token', target: `users:${input.user.id}`, detail: {} });
    return token;
  });
}
