import { randomUUID } from 'node:crypto';
import { types } from 'wechaty';
import type { mock, PuppetMock } from 'wechaty-puppet-mock';
import { sendMockImage, sendMockMessage } from './demo-puppet';
import { quotedReply } from '../src/domain/wechat-quote';

import type { SimKind, SimMessage, SimPost, SimulatorPort } from '../src/ports';

const KIND_OF: Partial<Record<number, SimKind>> = {
  [types.Message.Audio]: 'voice',
  [types.Message.Emoticon]: 'sticker',
  [types.Message.Video]: 'video',
  [types.Message.Attachment]: 'file',
  [types.Message.Url]: 'link',
  [types.Message.Recalled]: 'recall',
};

const MAX_TRANSCRIPT = 2000;
/** images waiting for the bot to take them, at most: the oldest is dropped past this (one the bot never looks at must not stay) */
const MAX_WAITING_IMAGES = 64;

/**
 * Demo mode's simulator (SPEC §6 /sim): people and rooms made on the mock puppet, who
 * speak to the real bot; every message of a room or private chat kept, in order, with
 * its @mentions. Transcripts live in memory: the demo forgets them on restart.
 */
export function createSimulator(
  demo: { puppet: PuppetMock & { limitFor?(ms: number): void }; mocker: mock.Mocker },
  self: () => mock.ContactMock,
): SimulatorPort {
  const { mocker, puppet } = demo;
  const contacts = new Map<string, mock.ContactMock>();
  const rooms = new Map<string, mock.RoomMock>();
  const transcripts = new Map<string, SimMessage[]>();
  const keep = (key: string, m: SimMessage) => {
    const list = transcripts.get(key) ?? [];
    list.push(m);
    if (list.length > MAX_TRANSCRIPT) list.splice(0, list.length - MAX_TRANSCRIPT);
    transcripts.set(key, list);
  };

  /**
   * An image's bytes live in the mock's file cache (as base64) only until the bot has taken them:
   * the simulator's transcript keeps its name, the photo itself is on disk in the blob store. The
   * bot's own images (a broadcast's picture) are dropped as they are heard, a person's once the bot
   * has handled the message (`forget`) — or when too many wait — so memory stays flat however many
   * images a demo posts (2 × 60 images of 1.5 MB once held 300 MB for good).
   */
  const waiting: string[] = [];
  const dropImage = (messageId: string) => {
    mocker.cacheFileBoxPayload.delete(messageId);
    const at = waiting.indexOf(messageId);
    if (at !== -1) waiting.splice(at, 1);
  };

  puppet.on('message', ({ messageId }) => {
    const p = mocker.messagePayload(messageId) as {
      talkerId: string;
      text?: string;
      type: number;
      mentionIdList?: string[];
      roomId?: string;
      listenerId?: string;
      timestamp: number;
    };
    const fileName =
      p.type === types.Message.Image
        ? ((mocker.cacheFileBoxPayload.get(messageId) as { name?: string } | undefined)?.name ?? 'image')
        : undefined;
    if (fileName && p.talkerId === self().id) dropImage(messageId);
    else if (fileName) {
      waiting.push(messageId);
      while (waiting.length > MAX_WAITING_IMAGES) dropImage(waiting[0]!);
    }
    const kind = KIND_OF[p.type];
    // a voice, video or file keeps no bytes once heard: the bot never takes them
    if (kind) mocker.cacheFileBoxPayload.delete(messageId);
    const m: SimMessage = {
      id: messageId,
      from: p.talkerId,
      ...(p.text !== undefined && !fileName ? { text: p.text } : {}),
      ...(fileName ? { image: fileName } : {}),
      ...(kind ? { kind } : {}),
      mentions: p.mentionIdList ?? [],
      at: new Date(p.timestamp).toISOString(),
    };
    if (p.roomId) keep(`room:${p.roomId}`, m);
    else if (p.listenerId) keep(`contact:${p.talkerId === self().id ? p.listenerId : p.talkerId}`, m);
  });

  return {
    createContact(name: string): { id: string } {
      const c = mocker.createContact({ name });
      contacts.set(c.id, c);
      return { id: c.id };
    },
    hasContact: (id: string) => contacts.has(id),
    hasRoom: (id: string) => rooms.has(id),
    createRoom(topic: string, memberIds: string[]): { id: string } {
      const room = mocker.createRoom({ topic, memberIdList: [self().id, ...memberIds] });
      rooms.set(room.id, room);
      return { id: room.id };
    },
    /** Speaks as a contact; the bot hears it as it would hear WeChat. */
    post(msg: SimPost): { id: string } {
      const from = contacts.get(msg.from)!;
      const to = msg.roomId ? rooms.get(msg.roomId)! : self();
      if (msg.imageBase64 !== undefined)
        return { id: sendMockImage(demo, from, to, Buffer.from(msg.imageBase64, 'base64'), msg.filename ?? 'photo.jpg') };
      if (msg.kind) {
        const file = ['voice', 'video', 'file', 'sticker'].includes(msg.kind)
          ? { bytes: Buffer.from(`sim ${msg.kind}`), name: msg.filename ?? `${msg.kind}.bin` }
          : undefined;
        const text = msg.kind === 'recall' ? (msg.messageId ?? '') : msg.kind === 'link' ? (msg.text ?? '') : undefined;
        return { id: sendMockMessage(demo, from, to, { kind: msg.kind, file, text, mentionIds: msg.mentionIds }) };
      }
      if (msg.quote !== undefined) {
        // WeChat delivers a quoted reply as text: the quote, a dashed line, the reply
        return {
          id: sendMockMessage(demo, from, to, {
            kind: 'text',
            text: quotedReply(msg.quote, from.payload.name, msg.text ?? ''),
            mentionIds: msg.mentionIds,
          }),
        };
      }
      const before = new Set(mocker.cacheMessagePayload.keys());
      from.say(msg.text ?? '').to(to);
      const id = [...mocker.cacheMessagePayload.keys()].find((k) => !before.has(k)) ?? randomUUID();
      return { id };
    },
    joinRoom(roomId: string, contactIds: string[]): void {
      rooms
        .get(roomId)!
        .add(...contactIds.map((id) => contacts.get(id)!))
        .by(self());
    },
    leaveRoom(roomId: string, contactIds: string[]): void {
      rooms
        .get(roomId)!
        .remove(...contactIds.map((id) => contacts.get(id)!))
        .by(self());
    },
    forget: (messageId: string) => dropImage(messageId),
    async logout() {
      await puppet.logout('simulated logout');
    },
    async login() {
      if (!puppet.isLoggedIn) mocker.login(self());
    },
    limit(minutes: number) {
      puppet.limitFor?.(minutes * 60_000);
    },
    roomMessages: (roomId: string) => transcripts.get(`room:${roomId}`) ?? [],
    contactMessages: (contactId: string) => transcripts.get(`contact:${contactId}`) ?? [],
    prune(before: Date): number {
      const cut = before.toISOString();
      let dropped = 0;
      for (const [key, list] of transcripts) {
        // lines are kept in arrival order: the old ones are a prefix
        const keep = list.findIndex((m) => m.at >= cut);
        const n = keep === -1 ? list.length : keep;
        if (n === 0) continue;
        dropped += n;
        if (n === list.length) transcripts.delete(key);
        else list.splice(0, n);
      }
      return dropped;
    },
  };
}
export type Simulator = SimulatorPort;
