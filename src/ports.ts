/**
 * The types the two doors share — the Wechaty side (bots/) and the HTTP side (src/http/) —
 * so that neither imports the other. src/main.ts plugs one into the other.
 */

/** What the bot side tells the HTTP side about itself (for /healthz and the dashboard). */
export interface BotStatus { puppet: string; loggedIn: boolean; qrcode?: string | null; account?: string | null }

export interface SimMessage { id: string; from: string; text?: string; image?: string; mentions: string[]; at: string }
export interface SimPost { from: string; roomId?: string; text?: string; imageBase64?: string; filename?: string }

/** Demo mode's simulator, as the HTTP routes use it (SPEC §6 /sim). */
export interface SimulatorPort {
  createContact(name: string): { id: string };
  hasContact(id: string): boolean;
  hasRoom(id: string): boolean;
  createRoom(topic: string, memberIds: string[]): { id: string };
  /** speaks as a contact; the bot hears it as it would hear WeChat */
  post(msg: SimPost): { id: string };
  /** the bot is done with message `id`: an image's bytes are dropped (they are in the blob store) */
  forget(messageId: string): void;
  roomMessages(roomId: string): SimMessage[];
  contactMessages(contactId: string): SimMessage[];
  /** forgets transcript lines from before `before` (retention); returns how many */
  prune(before: Date): number;
}
