import { monthDay } from '../domain/date-format';
import type { Group, Locale } from '../domain/types';
import type { Deps } from '../services/deps';
import type { Notice, NoticeData, Say } from '../services/sending/notifier';
import type { BotT, Post } from './messages';

/** `t` in a room's language, `bot` texts by default (`templates:…` keys pass through): the one group translator. */
export function groupT(deps: Pick<Deps, 't' | 'locale'>, group: Pick<Group, 'locale'> | null): BotT {
  return langT(deps, group?.locale ?? null);
}

/** `t` in a language (the configured one when null), `bot` texts by default. */
export function langT(deps: Pick<Deps, 't' | 'locale'>, lng: Locale | null): BotT {
  const l = lng ?? deps.locale;
  return (key, params) => deps.t(key.includes(':') ? key : `bot:${key}`, { lng: l, ...params });
}

/** What a notice says, in a language: its Date params shown as month and day there; several texts as lines. */
export function sayIn(deps: Pick<Deps, 't' | 'locale' | 'timeZone'>, lng: Locale | null, say: Say | readonly Say[]): string {
  const l = lng ?? deps.locale;
  const t = langT(deps, l);
  const value = (v: unknown): unknown => (v instanceof Date ? monthDay(l, deps.timeZone, v) : isSay(v) ? one(v) : v);
  const one = (s: Say): string => t(s.key, Object.fromEntries(Object.entries(s.params ?? {}).map(([k, v]) => [k, value(v)])));
  return isMany(say) ? say.map(one).join('\n') : one(say);
}

const isMany = (say: Say | readonly Say[]): say is readonly Say[] => Array.isArray(say);
/** a param that is itself a text (a hazard's status in words) */
const isSay = (v: unknown): v is Say => typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Say).key === 'string';

/** A notice as a post in its room (a bot handler's reply). */
export const noticePost = (deps: Pick<Deps, 't' | 'locale' | 'timeZone'>, n: NoticeData): Post => ({
  text: sayIn(deps, n.lng, n.say),
  mentions: n.mentions,
});

/** Notices rendered in their rooms' languages and posted through the world's notifier (keyed: a retry posts nothing more). */
export function postNotices(deps: Deps, notices: readonly NoticeData[]): Promise<number> {
  const rendered: Notice[] = notices.map((n) =>
    n.roomId
      ? { key: n.key, roomId: n.roomId, ...noticePost(deps, n) }
      : { key: n.key, contactId: n.contactId, text: sayIn(deps, n.lng, n.say) },
  );
  return deps.notifier.post(rendered);
}
