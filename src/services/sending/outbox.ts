import { quietSince } from '../../domain/quiet-hours';
import { insertOrNull } from '../../domain/errors';
import { INVISIBLE, maskPersonal } from '../../domain/privacy';
import type { OutboxEntry } from '../../domain/types';
import type { Draft } from '../../storage/store';
import type { Deps } from '../deps';
import { leftRoom } from '../groups/room-members';
import { sendableRooms } from './rooms';

export const PRIORITY = { reply: 0, bulk: 10 } as const;
export const MAX_ATTEMPTS = 5;
const CHUNK = 5000;

export type NewOutboxEntry = Pick<OutboxEntry, 'key' | 'text'> &
  Partial<Pick<OutboxEntry, 'account' | 'roomId' | 'contactId' | 'mentions' | 'priority' | 'notBefore' | 'broadcastId' | 'photoId'>>;

/**
 * The one place every outgoing message passes: no message carries controls or bidi
 * overrides (from an API text field, an address), and every one — to a room or to a
 * person — has phone and ID numbers masked (SPEC §3 Personal data), whoever typed them
 * (a return reason, a hazard text, a tip, a notice). Masking comes last: it reads the
 * text normalised itself, so nothing removed after it can join a number back together.
 */
function draftOf(clock: Deps['clock'], e: NewOutboxEntry): Draft<OutboxEntry> {
  return {
    key: e.key,
    account: e.account ?? '*',
    roomId: e.roomId ?? null,
    contactId: e.contactId ?? null,
    text: maskPersonal(e.text.replace(INVISIBLE, '')),
    mentions: e.mentions ?? [],
    priority: e.priority ?? PRIORITY.bulk,
    status: 'pending',
    attempts: 0,
    notBefore: e.notBefore ?? clock.now(),
    leaseUntil: null,
    leasedBy: null,
    sentAt: null,
    error: null,
    broadcastId: e.broadcastId ?? null,
    photoId: e.photoId ?? null,
  };
}

/**
 * Persists messages to send. A key already in the outbox is left alone, so enqueuing
 * the same thing twice (a retried request, a re-run schedule) sends it once.
 * Returns how many were new.
 */
export async function enqueue(deps: Deps, entries: readonly NewOutboxEntry[]): Promise<number> {
  const added = await insertNew(deps, await withoutLeavers(deps, entries));
  // (inside a unit of work the sender may wake before the unit commits; its claim is a
  // write that shares or follows that commit, so nothing is sent before it is durable)
  if (added) deps.bell.ring([...new Set(entries.map((e) => e.account ?? '*'))]);
  return added;
}

/** A landlord who left a room (room-leave) is not @mentioned there, whoever wrote the post (issue 25). */
async function withoutLeavers(deps: Deps, entries: readonly NewOutboxEntry[]): Promise<readonly NewOutboxEntry[]> {
  const out: NewOutboxEntry[] = [];
  for (const e of entries) {
    const mentions = e.roomId ? (e.mentions ?? []) : [];
    const gone = mentions.length ? await leftRoom(deps, e.roomId!, mentions) : null;
    out.push(gone?.size ? { ...e, mentions: mentions.filter((m) => !gone.has(m)) } : e);
  }
  return out;
}

async function insertNew(deps: Deps, entries: readonly NewOutboxEntry[]): Promise<number> {
  const { store, clock } = deps;
  if (entries.length === 1) {
    // the common case (a reply): the unique key decides, without a lookup first
    return (await store.outbox.insertIfAbsent(draftOf(clock, entries[0]!))) ? 1 : 0;
  }
  let added = 0;
  for (let i = 0; i < entries.length; i += CHUNK) {
    const chunk = entries.slice(i, i + CHUNK);
    const taken = new Set(await store.outbox.distinct('key', { key: { in: chunk.map((e) => e.key) } }));
    const fresh = [...new Map(chunk.filter((e) => !taken.has(e.key)).map((e) => [e.key, e])).values()];
    const drafts = fresh.map((e) => draftOf(clock, e));
    const many = await insertOrNull(() => store.outbox.insertMany(drafts));
    if (many !== null) {
      added += many;
      continue;
    }
    // another process enqueued some of these meanwhile: one by one
    for (const d of drafts) if (await store.outbox.insertIfAbsent(d)) added += 1;
  }
  return added;
}

/**
 * Takes up to `limit` due entries for an account (replies first, then oldest) and leases
 * them. A `sending` entry whose lease ran out belongs to a sender that died inside its
 * send: it is taken again — the one case in which a message may repeat.
 *
 * An entry for a room is taken only by the account serving the room (SPEC §4, see
 * `rooms.ts`): entries of rooms another account serves are handed to it as they are met,
 * and entries of rooms no member serves wait. The lease is a compare-and-set on status,
 * attempts and account, so an entry handed on meanwhile is not taken.
 */
export async function claimDue(
  deps: Deps,
  input: {
    account: string;
    worker: string;
    leaseMs: number;
    limit: number;
    roomLeaseMs?: number;
    serves?: (roomId: string) => boolean;
    /** a channel's sender (staff webhook, SMS: issue 28) takes only its own entries, never those for any account ('*') */
    ownOnly?: boolean;
  },
): Promise<OutboxEntry[]> {
  const { store, clock } = deps;
  const now = clock.now();
  const accounts = input.ownOnly ? [input.account] : [input.account, '*'];
  const order = (a: OutboxEntry, b: OutboxEntry) =>
    a.priority - b.priority || a.notBefore.getTime() - b.notBefore.getTime() || (a.id < b.id ? -1 : 1);
  // a few more than asked for are looked at, so entries handed to other accounts do not hide this one's
  const look = Math.max(input.limit, 16);
  // quiet hours (SPEC §4): a post due before they began waits for 08:00, even when the queue ran late or a daily cap
  // freed at night; replies go, and so does a post queued during them on purpose (a broadcast sent "now" at 22:00)
  const since = quietSince(now, deps.timeZone);
  const sendable = (e: OutboxEntry) => !heldByQuietHours(e, since);
  const pendingFilters = since
    ? [{ priority: { lt: PRIORITY.bulk }, notBefore: { lte: now } }, { notBefore: { gte: since, lte: now } }]
    : [{ notBefore: { lte: now } }];
  for (let tries = 0; tries < 5; tries += 1) {
    // indexed queries per account (an IN over both would sort every pending entry)
    const due = (
      await Promise.all(
        accounts.flatMap((account) =>
          pendingFilters.map((f) =>
            store.outbox.find({ account, status: 'pending', ...f }, { sort: { priority: 1, notBefore: 1 }, limit: look }),
          ),
        ),
      )
    ).flat();
    // a dead sender's entries (a crash, a lost account) take their place in the order: looked at only when the pending
    // ones did not fill the batch, they waited behind every reply queued after them — in the city simulation's crash,
    // until the account's daily cap was spent and the room heard the 09:00 announcement the next day
    due.push(
      ...(await store.outbox.find(
        { account: { in: accounts }, status: 'sending', leaseUntil: { lt: now } },
        { sort: { priority: 1, notBefore: 1 }, limit: look },
      )),
    );
    const seen = [...new Map(due.filter(sendable).map((e) => [e.id, e])).values()].sort(order).slice(0, look);
    if (!seen.length) return [];
    const rooms = await sendableRooms(
      deps,
      { account: input.account, worker: input.worker, roomLeaseMs: input.roomLeaseMs ?? input.leaseMs, serves: input.serves },
      seen,
    );
    const candidates = seen.filter((c) => !c.roomId || rooms.has(c.roomId)).slice(0, input.limit);
    if (!candidates.length) continue; // all handed on: look again
    const leaseUntil = new Date(now.getTime() + input.leaseMs);
    const lease = { status: 'sending' as const, leaseUntil, leasedBy: input.worker, account: input.account };
    // one compare-and-set per (status, attempts, account) of the candidates: usually a single statement
    const groups = new Map<string, OutboxEntry[]>();
    for (const c of candidates) {
      const k = `${c.status}|${c.attempts}|${c.account}`;
      groups.set(k, [...(groups.get(k) ?? []), c]);
    }
    let taken = 0;
    for (const g of groups.values()) {
      taken += await store.outbox.updateWhere(
        { id: { in: g.map((c) => c.id) }, status: g[0]!.status, attempts: g[0]!.attempts, account: g[0]!.account },
        { ...lease, attempts: g[0]!.attempts + 1 },
      );
    }
    if (taken === candidates.length) return candidates.map((c) => ({ ...c, ...lease, attempts: c.attempts + 1 }));
    // another worker took some of them meanwhile: ours are those now leased to us until our time
    const mine = await store.outbox.find(
      { id: { in: candidates.map((c) => c.id) }, status: 'sending', leasedBy: input.worker, leaseUntil },
      { sort: { priority: 1, notBefore: 1 } },
    );
    if (mine.length) return mine.sort(order);
  }
  return [];
}

/**
 * Whether quiet hours that began at `since` (`quietSince`; null outside them) hold this entry: a post
 * due before they began. Replies, and posts queued during them on purpose, are not held.
 */
export const heldByQuietHours = (e: OutboxEntry, since: Date | null): boolean =>
  since !== null && e.priority >= PRIORITY.bulk && e.notBefore < since;

/** The longest text a merged post may have (WeChat takes a few thousand characters; a longer one is sent apart). */
export const MERGE_MAX_CHARS = 2000;

/** Whether an entry may share one message with others for its room: a post (not a reply), text only. */
export const mergeable = (e: OutboxEntry): boolean => e.roomId !== null && e.priority === PRIORITY.bulk && e.photoId === null;

/**
 * The other posts due now for the room of a leased post, leased too, to go out with it as
 * one message (issue 25: four scheduled posts arrived in the same minute). `room` says how
 * long the merged text already is; posts that would make it longer than MERGE_MAX_CHARS stay.
 */
export async function claimCompanions(
  deps: Deps,
  head: OutboxEntry,
  input: { account: string; worker: string; leaseMs: number; length: number },
): Promise<OutboxEntry[]> {
  const { store, clock } = deps;
  if (!mergeable(head)) return [];
  const now = clock.now();
  const due = await store.outbox.find(
    {
      roomId: head.roomId!,
      status: 'pending',
      priority: PRIORITY.bulk,
      photoId: null,
      // (in quiet hours only posts queued during them, as claimDue takes)
      notBefore: { gte: quietSince(now, deps.timeZone) ?? new Date(0), lte: now },
      account: { in: [input.account, '*'] },
    },
    { sort: { notBefore: 1 }, limit: 10 },
  );
  const leaseUntil = new Date(now.getTime() + input.leaseMs);
  const taken: OutboxEntry[] = [];
  let length = input.length;
  for (const e of due) {
    if (e.id === head.id || length + 2 + e.text.length > MERGE_MAX_CHARS) continue;
    const lease = { status: 'sending' as const, leaseUntil, leasedBy: input.worker, account: input.account, attempts: e.attempts + 1 };
    if (await store.outbox.updateWhere({ id: e.id, status: 'pending', attempts: e.attempts, account: e.account }, lease)) {
      taken.push({ ...e, ...lease });
      length += 2 + e.text.length;
    }
  }
  return taken;
}

/** The next due entry for an account, leased; null when there is none. */
export async function claimNext(deps: Deps, input: { account: string; worker: string; leaseMs: number }): Promise<OutboxEntry | null> {
  return (await claimDue(deps, { ...input, limit: 1 }))[0] ?? null;
}

/** Gives a leased entry back unsent (its sender stopped before it), as if never taken. */
export async function release({ store }: Deps, entry: OutboxEntry): Promise<void> {
  await store.outbox.updateWhere(
    { id: entry.id, leasedBy: entry.leasedBy },
    { status: 'pending', leaseUntil: null, leasedBy: null, attempts: Math.max(0, entry.attempts - 1) },
  );
}

/**
 * The send went out: its broadcast delivery and the entry are `sent`, as one unit (one
 * commit on SQLite, a transaction on a replica set). Where a store cannot make them one, the
 * delivery goes first, so a crash between the two leaves the entry leased: it is sent again
 * once the lease runs out (a repeat caused by a crash inside its own send) and both records
 * end up `sent`.
 */
export async function markSent({ store, clock }: Deps, entry: OutboxEntry): Promise<void> {
  const now = clock.now();
  await store.atomically(async () => {
    if (entry.broadcastId && entry.roomId)
      await store.deliveries.updateWhere(
        { broadcastId: entry.broadcastId, roomId: entry.roomId },
        { status: 'sent', sentAt: now, error: null },
      );
    await store.outbox.updateWhere(
      { id: entry.id, leasedBy: entry.leasedBy },
      { status: 'sent', sentAt: now, leaseUntil: null, error: null },
    );
  });
}

/** Exponential back-off: 30 s, 1 min, 2 min, 4 min… */
export const backoffMs = (attempts: number): number => 30_000 * 2 ** Math.max(0, attempts - 1);

/** The send failed: try again later, or give up after MAX_ATTEMPTS and say so on the delivery. */
export async function markFailed({ store, clock }: Deps, entry: OutboxEntry, error: string): Promise<'retry' | 'failed'> {
  const now = clock.now();
  const giveUp = entry.attempts >= MAX_ATTEMPTS;
  // the delivery first, for the same reason as in markSent
  if (giveUp && entry.broadcastId && entry.roomId)
    await store.deliveries.updateWhere(
      { broadcastId: entry.broadcastId, roomId: entry.roomId },
      { status: 'failed', error: error.slice(0, 300) },
    );
  await store.outbox.updateWhere(
    { id: entry.id, leasedBy: entry.leasedBy },
    giveUp
      ? { status: 'failed', leaseUntil: null, error: error.slice(0, 300) }
      : { status: 'pending', leaseUntil: null, error: error.slice(0, 300), notBefore: new Date(now.getTime() + backoffMs(entry.attempts)) },
  );
  return giveUp ? 'failed' : 'retry';
}
