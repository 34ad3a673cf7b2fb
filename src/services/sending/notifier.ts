/**
 * A post to a WeChat room outside a reply: a round's announcement, a reminder, a review
 * result, a new letter. `key` names what it is about (`announce:<round>:<room>`,
 * `review:<submission>:<reviewedAt>` …), so a retried request or a re-run never posts twice.
 */
export interface Notice {
  key: string;
  roomId: string;
  text: string;
  mentions?: string[];
}

/** How the HTTP side and schedules post notices; the outbox sits behind it. Returns how many were new. */
export interface Notifier {
  post(notices: readonly Notice[]): Promise<number>;
}

export const noticeKey = {
  announce: (roundId: string, roomId: string) => `announce:${roundId}:${roomId}`,
  /** one reminder per round, group and day: a retried request the same day posts nothing more */
  remind: (roundId: string, groupId: string, day: string) => `remind:${roundId}:${groupId}:${day}`,
  /** a review's outcome: the same review repeated keeps its status and time, a new one changes them */
  review: (s: { id: string; status: string; reviewedAt: Date | null }) => `review:${s.id}:${s.status}:${s.reviewedAt?.getTime() ?? 0}`,
  letter: (version: number, roomId: string) => `letter:${version}:${roomId}`,
};
