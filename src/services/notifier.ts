/**
 * How a service posts to a WeChat room outside a reply (round announcements, reminders).
 * The bot provides it; issue 4's persisted, paced outbox will sit behind this same port.
 */
export interface Notifier {
  toRoom(roomId: string, text: string, mentionWechatIds?: string[]): Promise<void>;
}
