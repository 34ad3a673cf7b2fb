import { randomUUID } from 'node:crypto';
import { FileBox } from 'file-box';
import { types } from 'wechaty';
import { mock, PuppetMock } from 'wechaty-puppet-mock';

/**
 * Wechaty's mock puppet, keeping the @mentions of what the bot sends to a room.
 * (PuppetMock's own messageSendText drops the mention ids Wechaty passes it; its
 * ContactMock.say keeps them, so we send through that.)
 */
export class DemoPuppet extends PuppetMock {
  /** until then every send fails as WeChat's "too frequent" does (issue 28: the simulator rehearses a limit) */
  private limitedUntil = 0;
  limitFor(ms: number): void {
    this.limitedUntil = Date.now() + ms;
  }
  private checkSendable(): void {
    if (!this.isLoggedIn) throw new Error('not logged in');
    if (Date.now() < this.limitedUntil) throw new Error('操作过于频繁 send too frequent (simulated limit)');
  }

  override async messageSendText(conversationId: string, text: string, mentionIdList?: string[]): Promise<void> {
    this.checkSendable();
    const self = this.mocker.ContactMock.load(this.currentUserId);
    const isRoom = /@/.test(conversationId);
    const conversation = isRoom ? this.mocker.RoomMock.load(conversationId) : this.mocker.ContactMock.load(conversationId);
    const mentions = isRoom ? (mentionIdList ?? []).map((id) => this.mocker.ContactMock.load(id)) : [];
    self.say(text, mentions).to(conversation);
  }

  /** A picture the bot sends arrives as an image message, as WeChat shows it. */
  override async messageSendFile(conversationId: string, file: FileBox): Promise<void> {
    this.checkSendable();
    const self = this.mocker.ContactMock.load(this.currentUserId);
    const to = /@/.test(conversationId) ? this.mocker.RoomMock.load(conversationId) : this.mocker.ContactMock.load(conversationId);
    sendMockImage({ puppet: this, mocker: this.mocker }, self, to, await file.toBuffer(), file.name);
  }
}

/**
 * Demo mode's WeChat: the mock puppet and its Mocker, which tests and the simulator use
 * to make contacts and rooms and to speak as them. The bot's own account is made here
 * and logged in once the bot has started.
 */
export function createDemoPuppet(botName = '安心房东') {
  const mocker = new mock.Mocker();
  const puppet = new DemoPuppet({ mocker });
  return {
    puppet,
    mocker,
    login(): mock.ContactMock {
      const self = mocker.createContact({ name: botName });
      mocker.login(self);
      return self;
    },
  };
}

/** WeChat's other kinds of message, as the simulator sends them (issue 25). */
export type MockKind = 'text' | 'image' | 'voice' | 'sticker' | 'video' | 'file' | 'link' | 'recall';
const MOCK_TYPES: Record<MockKind, types.Message> = {
  text: types.Message.Text,
  image: types.Message.Image,
  voice: types.Message.Audio,
  sticker: types.Message.Emoticon,
  video: types.Message.Video,
  file: types.Message.Attachment,
  link: types.Message.Url,
  recall: types.Message.Recalled,
};

/**
 * Makes `from` send a message of another kind than text to a room or contact, as WeChat would
 * deliver it: its file (voice, video, attachment, sticker, image) in the mock's file cache; a
 * link's or a recall's text as its payload text (a recall's names the message recalled);
 * `mentionIds` as WeChat marks an @. Returns the message id. Used by tests and the simulator.
 */
export function sendMockMessage(
  demo: { puppet: PuppetMock; mocker: mock.Mocker },
  from: mock.ContactMock,
  to: mock.RoomMock | mock.ContactMock,
  m: { kind: MockKind; file?: { bytes: Buffer; name: string }; text?: string; mentionIds?: string[] },
): string {
  const id = `${m.kind}-${randomUUID()}`;
  if (m.file) demo.mocker.cacheFileBoxPayload.set(id, FileBox.fromBase64(m.file.bytes.toString('base64'), m.file.name).toJSON());
  const where = to instanceof demo.mocker.RoomMock ? { roomId: to.id, mentionIdList: m.mentionIds ?? [] } : { listenerId: to.id };
  demo.mocker.MessageMock.create({
    id,
    talkerId: from.id,
    timestamp: Date.now(),
    type: MOCK_TYPES[m.kind],
    ...(m.text !== undefined ? { text: m.text } : {}),
    ...where,
  });
  demo.puppet.emit('message', { messageId: id });
  return id;
}

/**
 * Makes `from` send an image to a room or contact, as WeChat would deliver it (the mock's
 * own `say(FileBox)` marks files as text). Returns the message id. Used by tests and the simulator.
 */
export function sendMockImage(
  demo: { puppet: PuppetMock; mocker: mock.Mocker },
  from: mock.ContactMock,
  to: mock.RoomMock | mock.ContactMock,
  bytes: Buffer,
  filename: string,
): string {
  return sendMockMessage(demo, from, to, { kind: 'image', file: { bytes, name: filename } });
}
