/**
 * Wakes sleeping workers: the outbox rings it when something is enqueued, so a reply
 * goes out as soon as it is durable instead of after the worker's idle poll. A ring
 * while nobody waits is kept for the next wait, so none is missed between two polls.
 * Several workers may wait at once (the account's sender and the channels' senders,
 * issue 28): a ring wakes them all.
 */
export interface Bell {
  /**
   * `accounts`: whose entries were added ('*': any account's), a hint for a bell shared by
   * several accounts' senders (the city simulation's), which then wakes only theirs; a
   * process's own bell wakes all its workers either way.
   */
  ring(accounts?: readonly string[]): void;
  /** resolves on the next ring, or after `ms` */
  wait(ms: number): Promise<void>;
}

export function createBell(): Bell {
  let rung = false;
  const waiting = new Set<() => void>();
  return {
    ring() {
      if (waiting.size === 0) {
        rung = true;
        return;
      }
      for (const wake of [...waiting]) wake();
    },
    wait(ms) {
      if (rung) {
        rung = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiting.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        waiting.add(done);
      });
    },
  };
}
