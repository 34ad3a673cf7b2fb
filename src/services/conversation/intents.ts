import type { Id, Intent, IntentKind } from '../../domain/types';
import type { Deps } from '../deps';

/** How long the bot waits for what it asked (SPEC §3: default 10 minutes). */
export const INTENT_TTL_MS = 10 * 60_000;

/** Where a message was said, and by whom, as intents see it. */
export interface Said {
  contactId: Id;
  /** the room id, or `private` */
  conversation: string;
  /** when the message was sent (its own timestamp, not when we handled it) */
  at: Date;
}

type Fields = Partial<Pick<Intent, 'item' | 'houseId' | 'photoId' | 'hazardId' | 'tipId'>>;

/**
 * Records what the bot now waits for from this person. `replace` drops their earlier
 * intents of the same kind first (a landlord who names another item changed their mind);
 * photos waiting for a label or a house each keep their own.
 */
export async function createIntent(
  deps: Deps,
  said: Said,
  kind: IntentKind,
  fields: Fields,
  o: { replace?: boolean; ttlMs?: number } = {},
): Promise<Intent> {
  const { store, clock } = deps;
  if (o.replace) {
    for (const old of await store.intents.find({ contactId: said.contactId, conversation: said.conversation, kind }))
      await store.intents.delete(old.id);
  }
  return store.intents.insert({
    contactId: said.contactId,
    conversation: said.conversation,
    kind,
    item: fields.item ?? null,
    houseId: fields.houseId ?? null,
    photoId: fields.photoId ?? null,
    hazardId: fields.hazardId ?? null,
    tipId: fields.tipId ?? null,
    since: said.at,
    expiresAt: new Date(clock.now().getTime() + (o.ttlMs ?? deps.intentTtlMs)),
  });
}

/**
 * The newest live intent of these kinds that this message may answer (made at or before
 * it was sent, in the same conversation, by the same person), without taking it.
 * Expired ones found on the way are dropped quietly.
 */
export async function findIntent(
  deps: Deps,
  said: Said,
  kinds: readonly IntentKind[],
  where: (i: Intent) => boolean = () => true,
): Promise<Intent | null> {
  const { store, clock } = deps;
  const now = clock.now();
  const found = await store.intents.find(
    { contactId: said.contactId, conversation: said.conversation, kind: { in: kinds }, since: { lte: said.at } },
    { sort: { since: -1, createdAt: -1 }, limit: 50 },
  );
  for (const i of found) {
    if (i.expiresAt <= now) {
      await store.intents.delete(i.id);
      continue;
    }
    if (where(i)) return i;
  }
  return null;
}

/** Takes an intent: true for the one caller that removed it, false if it was already gone. */
export const takeIntent = async (deps: Deps, intent: Intent): Promise<boolean> => deps.store.intents.delete(intent.id);

/** Changes what a live intent holds (e.g. the item named for a photo still waiting for its house). */
export const amendIntent = async (deps: Deps, intent: Intent, fields: Fields): Promise<void> => {
  await deps.store.intents.update(intent.id, fields);
};
