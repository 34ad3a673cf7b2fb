import type { OutboxEntry } from '../domain/types';
import type { Draft } from '../storage/store';
import type { Deps } from './deps';

export const PRIORITY = { reply: 0, bulk: 10 } as const;
export const MAX_ATTEMPTS = 5;
const CHUNK = 5000;

export type NewOutboxEntry = Pick<OutboxEntry, 'key' | 'text'> & Partial<Pick<OutboxEntry, 'account' | 'roomId' | 'contactId' | 'mentions' | 'priority' | 'notBefore' | 'broadcastId' | 'photoId'>>;

/**
 * Persists messages to send. A key already in the outbox is left alone, so enqueuing
 * the same thing twice (a retried request, a re-run schedule) sends it once.
 * Returns how many were new.
 */
export async function enqueue({ store, clock }: Deps, entries: readonly NewOutboxEntry[]): Promise<number> {
  let added = 0;
  for (let i = 0; i < entries.length; i += CHUNK) {
    const chunk = entries.slice(i, i + CHUNK);
    const taken = new Set(await store.outbox.distinct('key', { key: { in: chunk.map((e) => e.key) } }));
    const fresh = [...new Map(chunk.filter((e) => !taken.has(e.key)).map((e) => [e.key, e])).values()];
    const drafts: Draft<OutboxEntry>[] = fresh.map((e) => ({
      key: e.key, account: e.account ?? '*', roomId: e.roomId ?? null, contactId: e.contactId ?? null, text: e.text, mentions: e.mentions ?? [],
      priority: e.priority ?? PRIORITY.bulk, status: 'pending', attempts: 0, notBefore: e.notBefore ?? clock.now(), leaseUntil: null, leasedBy: null,
      sentAt: null, error: null, broadcastId: e.broadcastId ?? null, photoId: e.photoId ?? null,
    }));
    try {
      added += await store.outbox.insertMany(drafts);
    } catch (e) {
      if ((e as { code?: string }).code !== 'conflict') throw e;
      // another process enqueued some of these meanwhile: fall back to one by one
      for (const d of drafts) {
        try { await store.outbox.insert(d); added += 1; } catch (err) { if ((err as { code?: string }).code !== 'conflict') throw err; }
      }
    }
  }
  return added;
}

/**
 * Takes the next due entry for an account (replies first, then oldest) and leases it.
 * A `sending` entry whose lease ran out belongs to a sender that died inside its send:
 * it is taken again — the one case in which a message may repeat.
 */
export async function claimNext({ store, clock }: Deps, input: { account: string; worker: string; leaseMs: number }): Promise<OutboxEntry | null> {
  const now = clock.now();
  for (let tries = 0; tries < 5; tries += 1) {
    const accounts = { in: [input.account, '*'] };
    const candidate = (await store.outbox.findOne({ account: accounts, status: 'pending', notBefore: { lte: now } }, { priority: 1, notBefore: 1 }))
      ?? (await store.outbox.findOne({ account: accounts, status: 'sending', leaseUntil: { lt: now } }, { priority: 1, notBefore: 1 }));
    if (!candidate) return null;
    const leaseUntil = new Date(now.getTime() + input.leaseMs);
    const won = await store.outbox.updateWhere(
      { id: candidate.id, status: candidate.status, attempts: candidate.attempts },
      { status: 'sending', leaseUntil, leasedBy: input.worker, attempts: candidate.attempts + 1, account: input.account },
    );
    if (won === 1) return { ...candidate, status: 'sending', leaseUntil, leasedBy: input.worker, attempts: candidate.attempts + 1, account: input.account };
  }
  return null;
}

/**
 * The send went out: its broadcast delivery, then the entry, are `sent`. In that order, so
 * a crash between the two leaves the entry leased: it is sent again once the lease runs
 * out (a repeat caused by a crash inside its own send) and both records end up `sent`.
 */
export async function markSent({ store, clock }: Deps, entry: OutboxEntry): Promise<void> {
  const now = clock.now();
  if (entry.broadcastId && entry.roomId) await store.deliveries.updateWhere({ broadcastId: entry.broadcastId, roomId: entry.roomId }, { status: 'sent', sentAt: now, error: null });
  await store.outbox.updateWhere({ id: entry.id, leasedBy: entry.leasedBy }, { status: 'sent', sentAt: now, leaseUntil: null, error: null });
}

/** Exponential back-off: 30 s, 1 min, 2 min, 4 min… */
export const backoffMs = (attempts: number): number => 30_000 * 2 ** Math.max(0, attempts - 1);

/** The send failed: try again later, or give up after MAX_ATTEMPTS and say so on the delivery. */
export async function markFailed({ store, clock }: Deps, entry: OutboxEntry, error: string): Promise<'retry' | 'failed'> {
  const now = clock.now();
  const giveUp = entry.attempts >= MAX_ATTEMPTS;
  // the delivery first, for the same reason as in markSent
  if (giveUp && entry.broadcastId && entry.roomId) await store.deliveries.updateWhere({ broadcastId: entry.broadcastId, roomId: entry.roomId }, { status: 'failed', error: error.slice(0, 300) });
  await store.outbox.updateWhere({ id: entry.id, leasedBy: entry.leasedBy }, giveUp
    ? { status: 'failed', leaseUntil: null, error: error.slice(0, 300) }
    : { status: 'pending', leaseUntil: null, error: error.slice(0, 300), notBefore: new Date(now.getTime() + backoffMs(entry.attempts)) });
  return giveUp ? 'failed' : 'retry';
}
