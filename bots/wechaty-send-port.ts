import type { Wechaty } from 'wechaty';
import type { SendPort } from '../src/scheduler/outbox-worker';

/** Sends an outbox entry through Wechaty, to its room (with @mentions) or its contact. */
export function createWechatySendPort(bot: Wechaty): SendPort {
  return {
    async send(entry) {
      if (entry.roomId) {
        const room = await bot.Room.find({ id: entry.roomId });
        if (!room) throw new Error(`room ${entry.roomId} not found`);
        const mentions = (await Promise.all(entry.mentions.map((id) => bot.Contact.find({ id })))).filter((c) => c !== undefined);
        await room.say(entry.text, ...mentions);
        return;
      }
      const contact = entry.contactId ? await bot.Contact.find({ id: entry.contactId }) : undefined;
      if (!contact) throw new Error(`contact ${entry.contactId} not found`);
      await contact.say(entry.text);
    },
  };
}
