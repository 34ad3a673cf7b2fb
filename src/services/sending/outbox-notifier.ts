import type { Deps } from '../deps';
import type { Notifier } from './notifier';
import { enqueue, PRIORITY } from './outbox';

/** Notices go through the persisted, paced outbox, from the account that serves each room. */
export function createOutboxNotifier(deps: Deps): Notifier {
  return {
    async post(notices) {
      if (notices.length === 0) return 0;
      const rooms = [...new Set(notices.flatMap((n) => (n.roomId ? [n.roomId] : [])))];
      const groups = rooms.length ? await deps.store.groups.find({ roomId: { in: rooms } }) : [];
      const account = new Map(groups.map((g) => [g.roomId, g.botId ?? '*']));
      return enqueue(
        deps,
        notices.map((n) =>
          n.roomId
            ? {
                key: n.key,
                roomId: n.roomId,
                text: n.text,
                mentions: n.mentions ?? [],
                account: account.get(n.roomId) ?? '*',
                priority: PRIORITY.bulk,
              }
            : { key: n.key, contactId: n.contactId!, text: n.text, priority: PRIORITY.bulk },
        ),
      );
    },
  };
}
