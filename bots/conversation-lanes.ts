/**
 * One line per conversation (SPEC §3): the work for a room or a private chat runs
 * strictly after the work before it in the same conversation has finished (and, for
 * the bot, committed), however fast messages arrive; different conversations run side
 * by side. A lane is dropped once it is empty, so idle rooms cost nothing.
 *
 * This orders the messages one process hears. Several processes on one store keep the
 * promise because each room is served by one bot account at a time.
 */
export function createLanes() {
  const tails = new Map<string, Promise<void>>();
  return {
    /** Queues `work` behind everything queued for `key`; resolves or rejects with it. A failure does not stop the lane. */
    run<R>(key: string, work: () => Promise<R>): Promise<R> {
      const before = tails.get(key) ?? Promise.resolve();
      const result = before.then(work);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    /** conversations with work queued or running */
    get busy(): number {
      return tails.size;
    },
  };
}
export type Lanes = ReturnType<typeof createLanes>;
