import { FileBox } from 'file-box';
import type { Wechaty } from 'wechaty';
import type { SendPort } from '../src/scheduler/outbox-worker';
import type { Store } from '../src/storage/store';

/**
 * Sends an outbox entry through Wechaty, to its room (with @mentions) or its contact,
 * then its picture if it has one.
 */
export function createWechatySendPort(bot: Wechaty, store: Store): SendPort {
  async function picture(photoId: string | null): Promise<FileBox | null> {
    if (!photoId) return null;
    const photo = await store.photos.get(photoId);
    const bytes = photo ? await store.blobs.get(photo.sha256) : null;
    if (!photo || !bytes) throw new Error(`photo ${photoId} missing`);
    return FileBox.fromBuffer(bytes, `notice.${photo.mime.split('/')[1] ?? 'jpg'}`);
  }
  return {
    async send(entry) {
      const image = await picture(entry.photoId);
      if (entry.roomId) {
        const room = await bot.Room.find({ id: entry.roomId });
        if (!room) throw new Error(`room ${entry.roomId} not found`);
        const mentions = (await Promise.all(entry.mentions.map((id) => bot.Contact.find({ id })))).filter((c) => c !== undefined);
        await room.say(entry.text, ...mentions);
        if (image) await room.say(image);
        return;
      }
      const contact = entry.contactId ? await bot.Contact.find({ id: entry.contactId }) : undefined;
      if (!contact) throw new Error(`contact ${entry.contactId} not found`);
      await contact.say(entry.text);
      if (image) await contact.say(image);
    },
  };
}
