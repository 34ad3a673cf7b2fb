import type { Deps } from '../deps';

const CHUNK = 5000;
export const DAY_MS = 86_400_000;

export interface Pruned {
  messages: number;
  outbox: number;
  intents: number;
  transcripts: number;
}

/**
 * Retention (issue 14): what only guards against repeats or shows a demo's history is kept
 * for `days`, then deleted — processed message ids (a WeChat redelivery comes within minutes,
 * not weeks), sent outbox entries, expired intents, the simulator's transcripts. Failed and
 * pending entries are kept: they are work or evidence. Deleted by index, a chunk per commit,
 * so the bot's writes never wait long behind it. On MongoDB the same data also carries TTL
 * indexes; this explicit pass makes the age exact on any server.
 *
 * (Outbox keys name a message, a round and room, or a day, so a key pruned after 30 days is
 * never enqueued again: removing it cannot let a message repeat.)
 */
export async function pruneOld(deps: Deps, input: { days: number; transcripts?: { prune(before: Date): number } }): Promise<Pruned> {
  const { store, clock } = deps;
  const now = clock.now();
  const before = new Date(now.getTime() - input.days * DAY_MS);
  const inChunks = async (ids: () => Promise<string[]>, drop: (ids: string[]) => Promise<number>): Promise<number> => {
    let n = 0;
    for (;;) {
      const batch = await ids();
      if (!batch.length) return n;
      n += await drop(batch);
      if (batch.length < CHUNK) return n;
    }
  };
  const messages = await inChunks(
    async () =>
      (await store.processedMessages.find({ createdAt: { lt: before } }, { sort: { createdAt: 1 }, limit: CHUNK })).map((m) => m.id),
    (ids) => store.processedMessages.deleteWhere({ id: { in: ids } }),
  );
  const outbox = await inChunks(
    async () =>
      (await store.outbox.find({ status: 'sent', sentAt: { lt: before } }, { sort: { sentAt: 1 }, limit: CHUNK })).map((e) => e.id),
    (ids) => store.outbox.deleteWhere({ id: { in: ids }, status: 'sent' }),
  );
  const intents = await store.intents.deleteWhere({ expiresAt: { lt: now } });
  // dashboard sessions that have ended, and failed sign-in counts a day past their window (their lockout long over: issue 26)
  await store.sessions.deleteWhere({ expiresAt: { lt: now } });
  await store.signinAttempts.deleteWhere({ windowStart: { lt: new Date(now.getTime() - DAY_MS) } });
  const transcripts = input.transcripts?.prune(before) ?? 0;
  const pruned = { messages, outbox, intents, transcripts };
  if (messages + outbox + intents + transcripts > 0) deps.log.info({ ...pruned, days: input.days }, 'retention: pruned');
  return pruned;
}

/** Prunes at start and then every `everyMs` (default hourly); a failed pass is logged and tried again next time. */
export function startRetention(
  deps: Deps,
  input: { days: number; everyMs?: number; transcripts?: { prune(before: Date): number } },
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const pass = () => {
    running = pruneOld(deps, input).catch((err) => deps.log.warn({ err }, 'retention pass failed'));
  };
  const first = setTimeout(pass, 5_000);
  const timer = setInterval(pass, input.everyMs ?? 3_600_000);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
