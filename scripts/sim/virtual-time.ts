import type { Clock } from '../../src/domain/clock';
import type { Bell } from '../../src/services/sending/bell';

/**
 * A virtual clock that moves only when the simulated world is quiet (issue 29, `npm run sim:city`).
 *
 * Every part of the world that waits — an outbox worker's pacing sleep, its idle wait on the
 * bell, a room keeper's renewal, the scheduler's minute tick, a landlord's answer — waits
 * through this object. Real work (SQLite reads, commits and their fsyncs) runs at its own
 * speed while the virtual clock stands still; once every actor is waiting again, the clock
 * jumps to the next thing due. So a month of 3–10 s pacing runs in as long as its work takes,
 * and the product code sees the same times and order it would see in a month of real time.
 */
interface Timer {
  at: number;
  seq: number;
  fire: () => void;
  cancelled: boolean;
}

/** an actor's handle: it waits only through sleep (and its bell), so we know when it is busy */
export interface Actor {
  sleep(ms: number): Promise<void>;
  /** the process died: what it waits for never comes */
  kill(): void;
  readonly dead: boolean;
}

export class VirtualTime {
  private t: number;
  private seq = 0;
  private heap: Timer[] = [];
  private busy = 0;
  private quietWaiters: (() => void)[] = [];
  readonly clock: Clock;

  constructor(start: Date) {
    this.t = start.getTime();
    this.clock = { now: () => new Date(this.t) };
  }

  get now(): number {
    return this.t;
  }

  private push(at: number, fire: () => void): Timer {
    const timer: Timer = { at: Math.max(at, this.t), seq: this.seq++, fire, cancelled: false };
    const h = this.heap;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (before(h[p]!, h[i]!)) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
    return timer;
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }

  private peek(): Timer | undefined {
    while (this.heap[0]?.cancelled) this.pop();
    return this.heap[0];
  }

  private enter(): void {
    this.busy += 1;
  }

  private leave(): void {
    this.busy -= 1;
    if (this.busy === 0) for (const w of this.quietWaiters.splice(0)) w();
  }

  /** resolves once every actor waits and no event is being handled */
  private quiet(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.quietWaiters.push(resolve));
  }

  /** An event of the driver at `at` (a landlord speaks, the scheduler ticks): the clock waits for its promise. */
  at(at: number, fn: () => unknown): { cancel(): void } {
    const timer = this.push(at, () => {
      this.enter();
      Promise.resolve()
        .then(fn)
        .catch((err: unknown) => {
          process.stderr.write(`sim event failed: ${(err as Error)?.stack ?? String(err)}\n`);
        })
        .finally(() => this.leave());
    });
    return { cancel: () => (timer.cancelled = true) };
  }

  /** A loop of the world (an outbox worker). It counts as busy from now until it first waits. */
  actor(): Actor {
    this.enter();
    let dead = false;
    let waiting: Timer | null = null;
    return {
      sleep: (ms: number) => {
        if (dead) return new Promise<void>(() => undefined);
        this.leave();
        return new Promise<void>((resolve) => {
          waiting = this.push(this.t + Math.max(0, ms), () => {
            waiting = null;
            this.enter();
            resolve();
          });
        });
      },
      kill: () => {
        dead = true;
        if (waiting) waiting.cancelled = true;
      },
      get dead() {
        return dead;
      },
    };
  }

  /**
   * An actor's bell: waits end on a ring or after `ms`. The bells of one hub ring together — the
   * simulated processes share one Node process, so an enqueue in one wakes the sender of the
   * account it was queued for at once (every sender when it names none, or '*'), where the
   * product's senders (one process each) notice it on their next 1 s idle poll.
   */
  bellHub(): { bellFor(actor: Actor, account: string): Bell; ring(accounts?: readonly string[]): void } {
    /** each account's bells (a city has hundreds of accounts; an enqueue names one or two) */
    const bells = new Map<string, Set<{ ring(): void }>>();
    const ringAll = (accounts?: readonly string[]) => {
      const any = !accounts || accounts.includes('*');
      for (const account of any ? bells.keys() : accounts) for (const b of bells.get(account) ?? []) b.ring();
    };
    return {
      ring: ringAll,
      bellFor: (actor, account) => {
        let rung = false;
        let wake: (() => void) | null = null;
        let timer: Timer | null = null;
        const own = {
          ring: () => {
            if (actor.dead) return;
            if (wake) {
              const w = wake;
              wake = null;
              if (timer) timer.cancelled = true;
              timer = null;
              this.enter();
              w();
            } else rung = true;
          },
        };
        if (!bells.has(account)) bells.set(account, new Set());
        bells.get(account)!.add(own);
        return {
          ring: ringAll,
          wait: (ms: number) => {
            if (actor.dead) return new Promise<void>(() => undefined);
            if (rung) {
              rung = false;
              return Promise.resolve();
            }
            this.leave();
            return new Promise<void>((resolve) => {
              wake = resolve;
              timer = this.push(this.t + ms, () => {
                timer = null;
                wake = null;
                if (actor.dead) return;
                this.enter();
                resolve();
              });
            });
          },
        };
      },
    };
  }

  /** Runs the world until `end` (ms since the epoch) or until nothing is left to happen. */
  async run(end: number, onStep?: () => void): Promise<void> {
    for (;;) {
      await this.quiet();
      const next = this.peek();
      if (!next || next.at > end) {
        this.t = Math.max(this.t, Math.min(end, next?.at ?? end));
        return;
      }
      this.pop();
      this.t = next.at;
      next.fire();
      onStep?.();
    }
  }
}

const before = (a: Timer, b: Timer) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/** A small seeded random source (mulberry32), so a run can be repeated. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
