import { randomUUID } from 'node:crypto';
import type { Deps } from './deps';
import type { Notifier } from './notifier';
import { enqueue, PRIORITY } from './outbox';

/** Round announcements, reminders and review notices go through the persisted, paced outbox. */
export function createOutboxNotifier(deps: Deps): Notifier {
  return {
    async toRoom(roomId, text, mentions = []) {
      const group = await deps.store.groups.findOne({ roomId });
      await enqueue(deps, [{ key: `notice:${randomUUID()}`, roomId, text, mentions, account: group?.botId ?? '*', priority: PRIORITY.bulk }]);
    },
  };
}
