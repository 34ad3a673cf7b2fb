import type { Locale } from '../../domain/types';

/**
 * A post to a WeChat room outside a reply: a round's announcement, a reminder, a review
 * result, a new letter. `key` names what it is about (`announce:<round>:<room>`,
 * `review:<submission>:<reviewedAt>` …), so a retried request or a re-run never posts twice.
 */
export interface Notice {
  key: string;
  /** a room, or one person's private chat (a WeChat id) */
  roomId?: string;
  contactId?: string;
  text: string;
  mentions?: string[];
}

/** What a notice says: a `bot` text by its key, with its params (a Date is shown as month and day in the reader's language). */
export interface Say {
  key: string;
  params?: Record<string, unknown>;
}

/**
 * A notice as a service returns it: keyed, with its audience (a room and whom to @mention,
 * and the room's language), and what it says as data. Doors and schedules render it (a bot
 * handler as its reply, a route or a schedule through the notifier); services never write text.
 */
export interface NoticeData {
  key: string;
  /** a room (with the contacts to @mention), or one person's private chat (`contactId`, a WeChat id) */
  roomId?: string;
  contactId?: string;
  mentions: string[];
  /** the reader's language: the room's or the person's; null for the configured one */
  lng: Locale | null;
  /** what it says; several texts are posted as lines of one message */
  say: Say | readonly Say[];
  /** the account that serves the room, when the notice is not for any account */
  account?: string;
}

/** How the HTTP side and schedules post notices; the outbox sits behind it. Returns how many were new. */
export interface Notifier {
  post(notices: readonly Notice[]): Promise<number>;
}

export const noticeKey = {
  announce: (roundId: string, roomId: string) => `announce:${roundId}:${roomId}`,
  /** one reminder per round, group and day: a retried request the same day posts nothing more */
  remind: (roundId: string, groupId: string, day: string) => `remind:${roundId}:${groupId}:${day}`,
  /** `催办` for one group from the dashboard: keyed by the reminder before it, so a double click posts once (issue 26) */
  remindGroup: (groupId: string, previous: number | null) => `remind-group:${groupId}:${previous ?? 'first'}`,
  /** a review's outcome: the same review repeated keeps its status and time, a new one changes them */
  review: (s: { id: string; status: string; reviewedAt: Date | null }) => `review:${s.id}:${s.status}:${s.reviewedAt?.getTime() ?? 0}`,
  letter: (version: number, roomId: string) => `letter:${version}:${roomId}`,
  /** a hazard due tomorrow, told to its landlord in the room */
  hazardDue: (hazardId: string) => `hazard:remind:${hazardId}`,
  /** a hazard past its deadline, told to the head in the room; `userId`: told privately to that staff member */
  hazardOverdue: (hazardId: string, userId?: string) =>
    userId ? `hazard:overdue:${hazardId}:user:${userId}` : `hazard:overdue:${hazardId}`,
};

/**
 * The personal notices a landlord may get by SMS instead (issue 28), recognised by the keys
 * `noticeKey` makes (and a schedule's `schedule:<name>:…`, whose action says whether it is a
 * deadline reminder). The reach watch reads only this; a key form changed in `noticeKey` is
 * changed here in the same file, and test/unit/sms-kinds.test.ts checks each producer's keys.
 */
export const SMS_NOTICE_KEYS = [
  { kind: 'deadline', key: /^remind:[^:]+:[^:]+:[^:]+$/ },
  { kind: 'hazard_due', key: /^hazard:remind:[^:]+$/ },
  { kind: 'hazard_overdue', key: /^hazard:overdue:[^:]+$/ },
  { kind: 'returned', key: /^review:[^:]+:returned:\d+$/ },
] as const;
