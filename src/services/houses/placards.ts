import { randomBytes } from 'node:crypto';
import type { House, Id } from '../../domain/types';
import type { Deps } from '../deps';
import { audit } from '../access/audit';

/** 128 random bits, URL-safe: what a placard's QR link carries (never the house id, never guessable). */
const newToken = (): string => randomBytes(16).toString('base64url');
/** the shape of a token, checked before any lookup (a made-up path is refused without reading the store) */
export const PLACARD_TOKEN = /^[A-Za-z0-9_-]{22}$/;

/**
 * The placard token of each house, made on first need (a house printed for the first time).
 * Two printers at once make one token: the second insert finds the house's token taken and reads it.
 */
export async function placardTokens(deps: Deps, houses: readonly Pick<House, 'id'>[]): Promise<Map<Id, string>> {
  const { store } = deps;
  const ids = houses.map((h) => h.id);
  const have = new Map((await store.placards.find({ houseId: { in: ids } })).map((p) => [p.houseId, p.token]));
  for (const id of ids.filter((i) => !have.has(i))) {
    const made = await store.placards.insertIfAbsent({ houseId: id, token: newToken(), rotatedBy: null });
    have.set(id, made?.token ?? (await store.placards.findOne({ houseId: id }))!.token);
  }
  return have;
}

/** Staff replace a house's token (a placard lost or misused): the old QR opens nothing from now on. Audited. */
export async function rotatePlacardToken(deps: Deps, input: { house: House; by: string }): Promise<string> {
  const { store } = deps;
  await placardTokens(deps, [input.house]);
  const token = newToken();
  await store.placards.updateWhere({ houseId: input.house.id }, { token, rotatedBy: input.by });
  await audit(deps, { actor: input.by, action: 'rotate_placard', target: `house:${input.house.id}`, detail: {}, at: input.house });
  return token;
}

/** The house a placard token opens, or null (made up, rotated away, or its house removed). */
export async function houseOfPlacard({ store }: Deps, token: string): Promise<House | null> {
  if (!PLACARD_TOKEN.test(token)) return null;
  const placard = await store.placards.findOne({ token });
  return placard ? store.houses.get(placard.houseId) : null;
}
