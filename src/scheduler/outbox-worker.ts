import { redactPersonal } from '../domain/privacy';
import { quietSince } from '../domain/quiet-hours';
import type { OutboxEntry } from '../domain/types';
import type { Deps } from '../services/deps';
import { audit } from '../services/access/audit';
import type { ReachRecorder } from '../services/reach/recorder';
import {
  claimCompanions,
  claimDue,
  heldByQuietHours,
  markFailed,
  markSent,
  MERGE_MAX_CHARS,
  mergeable,
  release,
} from '../services/sending/outbox';

/** Sends one outbox entry through WeChat; throws when it did not go out. */
export interface SendPort {
  send(entry: OutboxEntry): Promise<void>;
}
export type Sleep = (ms: number) => Promise<void>;

export interface OutboxWorkerOptions {
  /** the bot account this worker sends for */
  account: string;
  worker: string;
  /** minimum gap between two sends of the account (SEND_INTERVAL_MS) */
  intervalMs: number;
  /** up to this much more, at random, so the rhythm does not look like a machine */
  jitterMs: number;
  /** an extra pause when the next send goes to another room */
  roomSwitchMs: number;
  /** at most this many sends per account per day */
  dailyCap: number;
  /**
   * The cool-down after WeChat says "too frequent" (issue 28): nothing at all is sent during
   * it, and the message that met the answer goes back unblamed (it was not its fault).
   */
  tooFrequentPauseMs: number;
  leaseMs: number;
  idleMs: number;
  /** the rooms this process serves, from its room keeper (src/services/rooms.ts); without it the store is asked */
  serves?: (roomId: string) => boolean;
  /** how long a room taken while claiming is held unrenewed (default leaseMs) */
  roomLeaseMs?: number;
  random?: () => number;
  /**
   * Posts (not replies) due for one room at once go out as one message (issue 25: a quiet
   * group). The product turns it on (main.ts); off, every entry is its own send.
   */
  mergeRoomPosts?: boolean;
  /** told once a send is recorded as sent (metrics, tests) */
  afterSent?: (entry: OutboxEntry) => void;
  /**
   * The account's live record (issue 28): the worker tells it sends, failures and cool-downs,
   * and sends nothing while it says the account is logged out. A channel's worker (staff
   * webhook, SMS) has none.
   */
  live?: ReachRecorder;
  /** a channel's sender takes only its own account's entries, never those for any account */
  ownOnly?: boolean;
}

export type WorkerStep = 'sent' | 'retry' | 'failed' | 'idle' | 'capped' | 'cooling' | 'offline';

const TOO_FREQUENT = /too frequent|frequen|频繁|rate.?limit/i;
/**
 * The audit action that records a cool-down (target `account:<account>`, detail `{ at, until }`):
 * a worker started during one (a restart, a deploy) waits it out too, rather than sending into
 * WeChat's limit at once.
 */
export const COOL_DOWN_ACTION = 'account_cooling';

/** an entry and the posts that go out with it */
type Unit = [OutboxEntry, ...OutboxEntry[]];

const textLength = (unit: readonly OutboxEntry[]) => unit.reduce((n, e) => n + e.text.length, 0) + 2 * (unit.length - 1);

/** One message carrying several posts for a room: their texts apart by a blank line, everyone they @mention. */
function merged(head: OutboxEntry, rest: readonly OutboxEntry[]): OutboxEntry {
  const all = [head, ...rest];
  return { ...head, text: all.map((e) => e.text).join('\n\n'), mentions: [...new Set(all.flatMap((e) => e.mentions))] };
}

/**
 * The one paced sender of an account: takes due entries from the persisted outbox and
 * sends them, never two closer than the interval, with a daily cap and back-off. State
 * that must survive a restart (what was sent, and when) is read from the store.
 */
export function createOutboxWorker(deps: Deps, port: SendPort, o: OutboxWorkerOptions, sleep: Sleep) {
  const random = o.random ?? Math.random;
  let lastSentAt: number | null = null;
  let lastRoom: string | null = null;
  let running = false;
  let loop: Promise<void> | null = null;

  // with no pacing at all (a puppet without WeChat's limits, or a benchmark) entries are taken in bursts
  const burst = o.intervalMs + o.jitterMs + o.roomSwitchMs === 0 ? 100 : 1;
  let sent: { today: number; countedAt: number } | null = null;
  /** WeChat said "too frequent": nothing is sent before this (kept in the audit log, read back at start) */
  let coolingUntil = 0;
  let restored = false;

  /** A cool-down an earlier process began and did not see end holds for this one too. */
  async function restoreCoolDown(): Promise<void> {
    const last = await deps.store.audit.findOne({ target: `account:${o.account}`, action: COOL_DOWN_ACTION }, { createdAt: -1 });
    restored = true;
    const until = Date.parse(String(last?.detail.until ?? ''));
    if (!(until > deps.clock.now().getTime()) || until <= coolingUntil) return;
    coolingUntil = until;
    const at = new Date(String(last!.detail.at ?? ''));
    o.live?.limited(Number.isNaN(at.getTime()) ? last!.createdAt : at, new Date(until));
  }

  async function init(): Promise<void> {
    const last = await deps.store.outbox.findOne({ account: o.account, status: 'sent' }, { sentAt: -1 });
    lastSentAt = last?.sentAt?.getTime() ?? null;
    lastRoom = last?.roomId ?? null;
  }

  /** Sends in the last 24 hours: counted in the store at most once a minute, counted here in between (never under). */
  async function sentToday(): Promise<number> {
    const now = deps.clock.now().getTime();
    if (!sent || now - sent.countedAt > 60_000 || now < sent.countedAt) {
      const today = await deps.store.outbox.count({ account: o.account, status: 'sent', sentAt: { gte: new Date(now - 86_400_000) } });
      sent = { today, countedAt: now };
    }
    return sent.today;
  }

  /** Sends what is due: one entry, or a burst when unpaced. */
  async function runOnce(): Promise<WorkerStep> {
    // nothing is attempted during a cool-down (this process's, or one running when it started), nor while the account is logged out
    if (!restored) await restoreCoolDown();
    if (deps.clock.now().getTime() < coolingUntil) return 'cooling';
    if (o.live && !o.live.snapshot(deps.clock.now()).loggedIn) return 'offline';
    if (lastSentAt === null) await init();
    const allowance = o.dailyCap - (await sentToday());
    if (allowance <= 0) return 'capped';
    const entries = await claimDue(deps, {
      account: o.account,
      worker: o.worker,
      leaseMs: o.leaseMs,
      limit: Math.min(burst, allowance),
      serves: o.serves,
      roomLeaseMs: o.roomLeaseMs,
      ownOnly: o.ownOnly,
    });
    if (!entries.length) return 'idle';
    const units: Unit[] = o.mergeRoomPosts ? await mergeByRoom(entries) : entries.map((e) => [e]);
    let outcome: WorkerStep = 'sent';
    for (const [i, [entry, ...companions]] of units.entries()) {
      const target = entry.roomId ?? entry.contactId;
      const gap = o.intervalMs + Math.floor(random() * o.jitterMs) + (lastRoom !== null && target !== lastRoom ? o.roomSwitchMs : 0);
      const wait = lastSentAt === null ? 0 : lastSentAt + gap - deps.clock.now().getTime();
      if (wait > 0) await sleep(wait);
      // the pace's wait ran into quiet hours: a post due before them goes back (with the rest of the batch) to wait for 08:00
      if (heldByQuietHours(entry, quietSince(deps.clock.now(), deps.timeZone))) {
        await Promise.all(
          units
            .slice(i)
            .flat()
            .map((rest) => release(deps, rest)),
        );
        return i > 0 ? outcome : 'idle';
      }
      try {
        await port.send(companions.length ? merged(entry, companions) : entry);
      } catch (e) {
        const message = (e as Error)?.message ?? String(e);
        const now = deps.clock.now();
        deps.log.warn({ outboxId: entry.id, attempts: entry.attempts, error: redactPersonal(message.slice(0, 200)) }, 'send failed');
        o.live?.failed(now, redactPersonal(message));
        const limited = TOO_FREQUENT.test(message);
        if (limited) {
          // a long cool-down; the message goes back as if never taken (no attempt spent on WeChat's limit)
          coolingUntil = now.getTime() + o.tooFrequentPauseMs;
          o.live?.limited(now, new Date(coolingUntil));
          await audit(deps, {
            actor: 'system',
            action: COOL_DOWN_ACTION,
            target: `account:${o.account}`,
            detail: { at: now.toISOString(), until: new Date(coolingUntil).toISOString() },
          });
          deps.log.warn({ minutes: Math.round(o.tooFrequentPauseMs / 60_000) }, 'WeChat says too frequent: cooling down, nothing is sent');
          await release(deps, entry);
          outcome = 'cooling';
        } else outcome = await markFailed(deps, entry, message);
        // the rest of a burst (and posts merged with this one) go back untouched, to be taken again after this one's back-off
        await Promise.all([...companions, ...units.slice(i + 1).flat()].map((rest) => release(deps, rest)));
        return outcome;
      }
      lastSentAt = deps.clock.now().getTime();
      o.live?.sent(deps.clock.now());
      lastRoom = target;
      if (sent) sent.today += 1;
      // the sent mark is on disk before the next send begins: a kill can then catch at most one
      // send that WeChat has and the outbox does not (the only message a restart may repeat).
      // Pipelining the marks let a slow disk leave several such sends behind one kill.
      for (const done of [entry, ...companions]) {
        await markSent(deps, done);
        o.afterSent?.(done);
      }
    }
    return outcome;
  }

  /**
   * Posts due for one room at once go out as one message (issue 25): those claimed together,
   * and those still pending for the room, each unit headed by its first entry.
   */
  async function mergeByRoom(entries: OutboxEntry[]): Promise<Unit[]> {
    const units: Unit[] = [];
    for (const e of entries) {
      const unit = mergeable(e)
        ? units.find((u) => mergeable(u[0]) && u[0].roomId === e.roomId && textLength(u) + 2 + e.text.length <= MERGE_MAX_CHARS)
        : undefined;
      if (unit) unit.push(e);
      else units.push([e]);
    }
    for (const u of units) {
      if (mergeable(u[0]))
        u.push(...(await claimCompanions(deps, u[0], { account: o.account, worker: o.worker, leaseMs: o.leaseMs, length: textLength(u) })));
    }
    return units;
  }

  return {
    runOnce,
    /** the end of the running cool-down (ms since the epoch), 0 when none */
    coolingUntil: () => coolingUntil,
    /**
     * The account cannot send for a while: its daily cap is spent (as last counted) or it is
     * cooling down after WeChat's "too frequent". Its room keeper then hands on the rooms
     * another member account is in (src/services/sending/rooms.ts).
     */
    resting: () => deps.clock.now().getTime() < coolingUntil || (sent !== null && sent.today >= o.dailyCap),
    start(): void {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          const r = await runOnce().catch((err) => {
            deps.log.error({ err }, 'outbox worker step failed');
            return 'idle' as const;
          });
          // the world's bell is rung on every enqueue, from any door: an idle worker wakes at once (pacing still applies)
          if (r === 'idle' || r === 'offline') await deps.bell.wait(o.idleMs);
          else if (r === 'capped') await sleep(o.idleMs);
          // a cool-down is waited out on the bell too, so stopping is not held up by it (a ring only asks again: still cooling, nothing is tried)
          else if (r === 'cooling') await deps.bell.wait(Math.max(0, coolingUntil - deps.clock.now().getTime()));
        }
      })();
    },
    async stop(): Promise<void> {
      running = false;
      // an idle worker waits on the bell: woken, it sees it is stopped
      deps.bell.ring();
      await loop;
    },
  };
}
