import { randomInt } from 'node:crypto';
import { DomainError } from '../../domain/errors';
import type { BindCode } from '../../domain/types';
import type { Deps } from '../deps';

/** No 0/O, 1/I/L: codes are read aloud and typed on phones. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
/** how long a code is good for, a group's and a staff member's alike (a staff code makes its holder staff) */
const CODE_DAYS = 7;

function makeCode(): string {
  let s = '';
  for (let i = 0; i < 6; i += 1) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/**
 * A single-use code a staff member hands over: `绑定群 CODE` binds a room to a group,
 * `绑定工作人员 CODE` links a staff member's WeChat; both expire in 7 days.
 */
export async function issueBindCode(
  { store, clock }: Deps,
  kind: BindCode['kind'],
  targetId: string,
): Promise<{ code: string; expiresAt: Date }> {
  const target = kind === 'group' ? await store.groups.get(targetId) : await store.users.get(targetId);
  if (!target) throw new DomainError('not_found', `${kind} ${targetId}`);
  const expiresAt = new Date(clock.now().getTime() + CODE_DAYS * 86_400_000);
  for (let attempt = 0; ; attempt += 1) {
    // a code that is taken already: another one
    const made = await store.bindCodes.insertIfAbsent({ code: makeCode(), kind, targetId, expiresAt, usedAt: null, usedBy: null });
    if (made) return { code: made.code, expiresAt };
    if (attempt >= 5) throw new DomainError('conflict', 'no free bind code');
  }
}

/** Uses a code once: a compare-and-set, so two people racing with one code cannot both win. */
export async function redeemBindCode({ store, clock }: Deps, kind: BindCode['kind'], code: string, usedBy: string): Promise<BindCode> {
  const now = clock.now();
  const found = await store.bindCodes.findOne({ code: code.toUpperCase(), kind });
  if (!found || found.usedAt || (found.expiresAt && found.expiresAt <= now)) throw new DomainError('code_invalid', code);
  const won = await store.bindCodes.updateWhere({ id: found.id, usedAt: null }, { usedAt: now, usedBy });
  if (won !== 1) throw new DomainError('code_invalid', code);
  return found;
}
