/**
 * The types the two doors share — the Wechaty side (bots/) and the HTTP side (src/http/) —
 * so that neither imports the other. src/main.ts plugs one into the other.
 */

/** What the bot side tells the HTTP side about itself (for /healthz and the dashboard). */
export interface BotStatus {
  puppet: string;
  loggedIn: boolean;
  qrcode?: string | null;
  account?: string | null;
}

/** What a send port of a channel under the outbox says about itself (issue 28): never a key or a URL. */
export interface ChannelStatus {
  staffWebhook: { configured: boolean; kind: 'wecom' | 'dingtalk' | 'other' | null };
  sms: { provider: 'aliyun' | 'tencent' | null; fallbackAfterMinutes: number; priceFen?: number };
}

/** a message of WeChat's other kinds (issue 25): its kind names it in the transcript */
export type SimKind = 'voice' | 'sticker' | 'video' | 'file' | 'link' | 'recall';
export interface SimMessage {
  id: string;
  from: string;
  text?: string;
  image?: string;
  kind?: SimKind;
  mentions: string[];
  at: string;
}
/**
 * What a simulated person sends: text (optionally a quoted reply to `quote`), an image, or another
 * kind (`kind`: a voice, sticker, video or file with `filename`; a link with `text` as its URL; a
 * recall with `messageId`), @mentioning `mentionIds` in a room.
 */
export interface SimPost {
  from: string;
  roomId?: string;
  text?: string;
  imageBase64?: string;
  filename?: string;
  kind?: SimKind;
  quote?: string;
  messageId?: string;
  mentionIds?: string[];
}

/** Demo mode's simulator, as the HTTP routes use it (SPEC §6 /sim). */
export interface SimulatorPort {
  createContact(name: string): { id: string };
  hasContact(id: string): boolean;
  hasRoom(id: string): boolean;
  createRoom(topic: string, memberIds: string[]): { id: string };
  /** speaks as a contact; the bot hears it as it would hear WeChat */
  post(msg: SimPost): { id: string };
  /** contacts join a room, or one leaves it (Wechaty's room-join and room-leave) */
  joinRoom(roomId: string, contactIds: string[]): void;
  leaveRoom(roomId: string, contactIds: string[]): void;
  /** the bot is done with message `id`: an image's bytes are dropped (they are in the blob store) */
  forget(messageId: string): void;
  roomMessages(roomId: string): SimMessage[];
  contactMessages(contactId: string): SimMessage[];
  /** forgets transcript lines from before `before` (retention); returns how many */
  prune(before: Date): number;
  /** issue 28, rehearsing failure: the bot's account is logged out, logs in again, or WeChat limits its sends for a while */
  logout(): Promise<void>;
  login(): Promise<void>;
  limit(minutes: number): void;
}
