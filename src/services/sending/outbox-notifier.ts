import type { Deps } from '../deps';
import type { Notifier } from './notifier';
import { enqueue, PRIORITY } from './outbox';

/** Notices go through the persisted, paced outbox, from the account that serves each room. */
export function createOutboxNotifier(deps: Deps): Notifier {
  return {
    async post(notices) {
      if (notices.length === 0) return 0;
      const groups = await deps.store.groups.find({ roomId: { in: [...new Set(notices.map((n) => n.roomId))] } });
      const account = new Map(groups.map((g) => [g.roomId, g.botId ?? '*']));
      return enqueue(deps, notices.map((n) => ({
        key: n.key, roomId: n.roomId, text: n.text, mentions: n.mentions ?? [], account: account.get(n.roomId) ?? '*', priority: PRIORITY.bulk,
      })));
    },
  };
}
