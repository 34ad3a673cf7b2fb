import { DomainError } from '../../domain/errors';
import { afterQuietHours } from '../../domain/quiet-hours';
import type { Broadcast, Delivery, Group } from '../../domain/types';
import { boundGroups } from '../groups/bound-groups';
import { keepPhoto } from '../inspection/keep-photo';
import type { Deps } from '../deps';
import { enqueue, PRIORITY } from './outbox';
import { resolveScope } from '../access/resolve-scope';
import { placedFilter, type PlacedScope } from '../../domain/scope';

/**
 * Where a broadcast to a scope goes: its groups, and of them those whose WeChat room is bound
 * (the only ones a post reaches). The send and its preview both resolve the scope through this.
 */
async function reachOf(deps: Deps, placed: PlacedScope): Promise<{ groups: number; bound: Group[] }> {
  const f = placedFilter(placed);
  const [groups, bound] = await Promise.all([deps.store.groups.count(f.groupId ? { id: f.groupId } : f), boundGroups(deps.store, placed)]);
  return { groups, bound };
}

/**
 * `GET /broadcasts/preview`: what sending to `scope` would reach, before staff confirm — the
 * groups of the scope and how many are unbound (their rooms get nothing), counted as the send counts.
 */
export async function broadcastReach(deps: Deps, scope: string): Promise<{ groups: number; bound: number; unbound: number }> {
  const { groups, bound } = await reachOf(deps, await resolveScope(deps.store, scope));
  return { groups, bound: bound.length, unbound: groups - bound.length };
}

/** how far ahead a broadcast may be scheduled */
const MAX_AHEAD_MS = 366 * 24 * 3600_000;

/**
 * `POST /broadcasts`: a notice to every bound room of a scope, now or at a time (a
 * scheduled one waits out quiet hours). One delivery record and one outbox entry per
 * room, keyed by broadcast and room, so nothing is sent twice.
 */
export async function broadcast(
  deps: Deps,
  input: { text: string; scope: string; at?: Date; by: string; image?: Buffer },
): Promise<{ broadcast: Broadcast; rooms: number }> {
  const { store, clock, timeZone } = deps;
  const placed = await resolveScope(store, input.scope);
  const now = clock.now();
  if (input.at && input.at.getTime() < now.getTime() - 60_000)
    throw new DomainError('validation', 'at in the past', { detailKey: 'at_not_past' });
  // (year 9999 made the quiet-hours maths throw a RangeError, a 500)
  if (input.at && input.at.getTime() > now.getTime() + MAX_AHEAD_MS)
    throw new DomainError('validation', 'at too far ahead', { detailKey: 'at_within_year' });
  const at = input.at ? afterQuietHours(input.at, timeZone) : now;
  const groups = (await reachOf(deps, placed)).bound;
  const imagePhotoId = input.image ? await storeImage(deps, input.image) : null;
  const b = await store.broadcasts.insert({
    text: input.text,
    imagePhotoId,
    scope: input.scope,
    at,
    status: 'scheduled',
    createdBy: input.by,
  });
  await store.deliveries.insertMany(
    groups.map((g) => ({ broadcastId: b.id, roomId: g.roomId!, status: 'pending' as const, sentAt: null, error: null })),
  );
  await enqueue(
    deps,
    groups.map((g) => entryFor(b, g.roomId!, g.botId)),
  );
  await store.audit.insert({
    actor: input.by,
    action: 'broadcast',
    target: `broadcast:${b.id}`,
    detail: { scope: input.scope, rooms: groups.length },
    communityId: placed.communityId ?? null,
    gridId: placed.gridId ?? null,
    groupId: placed.groupId ?? null,
  });
  return { broadcast: b, rooms: groups.length };
}

const entryFor = (b: Broadcast, roomId: string, account: string | null) => ({
  key: `broadcast:${b.id}:${roomId}`,
  roomId,
  account: account ?? '*',
  text: b.text,
  priority: PRIORITY.bulk,
  notBefore: b.at,
  broadcastId: b.id,
  photoId: b.imagePhotoId,
});

/** A broadcast's picture: checked by the one photo gate like any photo, and stored durably before anything is queued. */
async function storeImage(deps: Deps, bytes: Buffer): Promise<string> {
  return (await keepPhoto(deps, { bytes, contactId: null, messageId: null, what: 'image' })).id;
}

/**
 * At start-up: every pending delivery has its outbox entry. A crash between writing a
 * broadcast's deliveries and its outbox entries would otherwise strand them; enqueue is
 * idempotent by key, so re-enqueuing what exists changes nothing. Returns how many were missing.
 */
export async function resumeBroadcasts(deps: Deps): Promise<number> {
  const pending = await deps.store.deliveries.find({ status: 'pending' });
  const byBroadcast = new Map<string, string[]>();
  for (const d of pending) byBroadcast.set(d.broadcastId, [...(byBroadcast.get(d.broadcastId) ?? []), d.roomId]);
  let added = 0;
  for (const [id, rooms] of byBroadcast) {
    const b = await deps.store.broadcasts.get(id);
    if (!b) continue;
    const groups = new Map((await deps.store.groups.find({ roomId: { in: rooms } })).map((g) => [g.roomId, g.botId]));
    added += await enqueue(
      deps,
      rooms.map((roomId) => entryFor(b, roomId, groups.get(roomId) ?? null)),
    );
  }
  return added;
}

export interface BroadcastStatus extends Broadcast {
  status: Broadcast['status'];
  deliveries: Pick<Delivery, 'roomId' | 'status' | 'sentAt' | 'error'>[];
}

/** A broadcast with its per-room deliveries; its status follows from them. */
export async function broadcastStatus({ store, clock }: Deps, id: string): Promise<BroadcastStatus | null> {
  const b = await store.broadcasts.get(id);
  if (!b) return null;
  const deliveries = (await store.deliveries.find({ broadcastId: id })).map((d) => ({
    roomId: d.roomId,
    status: d.status,
    sentAt: d.sentAt,
    error: d.error,
  }));
  const pending = deliveries.filter((d) => d.status === 'pending').length;
  const failed = deliveries.filter((d) => d.status === 'failed').length;
  const status: Broadcast['status'] =
    pending > 0 ? (b.at > clock.now() ? 'scheduled' : 'sending') : failed > 0 && failed === deliveries.length ? 'failed' : 'done';
  return { ...b, status, deliveries };
}
