import type { Wechaty } from 'wechaty';
import type { Notifier } from '../src/services/notifier';

/** Posts straight through Wechaty (until the outbox of issue 4 takes over). */
export function createWechatyNotifier(bot: Wechaty): Notifier {
  return {
    async toRoom(roomId, text, mentionWechatIds = []) {
      const room = await bot.Room.find({ id: roomId });
      if (!room) throw new Error(`room ${roomId} not found`);
      const mentions = (await Promise.all(mentionWechatIds.map((id) => bot.Contact.find({ id })))).filter((c) => c !== undefined);
      await room.say(text, ...mentions);
    },
  };
}
