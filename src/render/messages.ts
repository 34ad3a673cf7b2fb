import { BASE_ITEMS, KEY_ITEMS } from '../domain/checklist';
import type { Round } from '../domain/types';
import type { MissingInGroup } from '../services/inspection/remind-missing';
import { monthDay } from '../domain/date-format';

/** `t` bound to the bot namespace and a room's language. */
export type BotT = (key: string, params?: Record<string, unknown>) => string;
export interface Post {
  text: string;
  mentions?: string[];
}

/** The announcement of a new round in one room, with the checklist (and key houses' extra items). */
export function roundAnnouncement(t: BotT, lng: string, timeZone: string, round: Round, keyHouses: number): Post {
  const deadline = monthDay(lng, timeZone, round.deadline);
  const items = BASE_ITEMS.map((i, n) => `${n + 1} ${t(`items.${i}`)}`).join('\n');
  const lines = [t('round.announce', { period: round.period, deadline, items })];
  if (keyHouses > 0)
    lines.push(
      t('round.key_extra', {
        items: KEY_ITEMS.slice(BASE_ITEMS.length)
          .map((i, n) => `${BASE_ITEMS.length + n + 1} ${t(`items.${i}`)}`)
          .join('、'),
      }),
    );
  return { text: lines.join('\n') };
}

/** `催办`: who in a group still owes something, @mentioned. Shared by the bot, the API and the schedule. */
export function reminder(t: BotT, m: MissingInGroup): Post {
  if (m.codes.length === 0) return { text: t('remind.all_done') };
  const lines = [t('remind.missing', { count: m.codes.length })];
  // one line per house: what it still owes, so nobody has to ask (a set waiting for review is not listed)
  for (const o of m.owes) {
    const owed = [
      ...(o.register ? [t('remind.owes_register')] : []),
      ...(o.commit ? [t('remind.owes_commit')] : []),
      ...o.items.map((i) => t(`items.${i}`)),
      ...(o.returned ? [t('remind.owes_returned')] : []),
      ...(o.overdue ? [t('remind.owes_hazard')] : []),
    ];
    lines.push(t('remind.line', { code: o.code, owed: owed.join(t('remind.sep')) }));
  }
  if (m.unregistered.length) lines.push(t('remind.unregistered', { codes: m.unregistered.join('、') }));
  return { text: lines.join('\n'), mentions: m.mentions };
}
