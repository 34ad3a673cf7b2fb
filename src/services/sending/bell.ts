/**
 * Wakes a sleeping worker: the outbox rings it when something is enqueued, so a reply
 * goes out as soon as it is durable instead of after the worker's idle poll. A ring
 * while nobody waits is kept for the next wait, so none is missed between two polls.
 */
export interface Bell {
  ring(): void;
  /** resolves on the next ring, or after `ms` */
  wait(ms: number): Promise<void>;
}

export function createBell(): Bell {
  let rung = false;
  let wake: (() => void) | null = null;
  return {
    ring() {
      rung = true;
      wake?.();
    },
    wait(ms) {
      if (rung) {
        rung = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          wake = null;
          rung = false;
          resolve();
        };
        const timer = setTimeout(done, ms);
        wake = done;
      });
    },
  };
}
