import { dateFormat } from '../domain/date-format';
import type { Translate } from '../i18n';
import type { Locale } from '../domain/types';
import type { TimelineEntry } from '../services/houses/house-archive';
import type { HousePlan, PlannedFix } from '../services/houses/house-plan';

/** How the house record's words are said: the language, and the time zone dates are shown in. */
export interface Saying {
  t: Translate;
  lng: Locale;
  timeZone: string;
}

const day = (s: Saying, d: Date): string =>
  dateFormat(s.lng, { timeZone: s.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
export const dateTime = (s: Saying, d: Date): string =>
  dateFormat(s.lng, { timeZone: s.timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(
    d,
  );
const a = (s: Saying, key: string, params: Record<string, unknown> = {}): string => s.t(`api:archive.${key}`, { lng: s.lng, ...params });

/** A plan's hazard as people read it: the line, what the landlord does (措施), and how it is checked (验收). */
export function fixTexts(s: Saying, h: PlannedFix): { line: string; measures: string; check: string } {
  return {
    line: a(s, 'hazard_line', {
      number: h.number,
      description: h.description,
      deadline: day(s, h.deadline),
      overdue: h.overdue ? a(s, 'overdue') : '',
    }),
    measures: a(s, h.step === 'evidence' ? 'measures_evidence' : 'measures_rectified', { number: h.number }),
    check: a(s, 'check', { number: h.number }),
  };
}

/** What the current round still asks of the house, in one sentence (null: no round open). */
export function roundText(s: Saying, r: HousePlan['round']): string | null {
  if (!r) return null;
  const base = { period: r.period, deadline: day(s, r.deadline) };
  if (r.submission === 'returned') return a(s, 'round_returned', { ...base, reason: r.returnReason ?? '' });
  if (r.submission === 'approved') return a(s, 'round_approved', base);
  if (r.owed.length === 0) return a(s, 'round_waiting', base);
  return a(s, 'round_owed', { ...base, items: r.owed.map((i) => s.t(`bot:items.${i}`, { lng: s.lng })).join('、') });
}

/** One timeline entry as a line of the printed record. */
export function entryText(s: Saying, e: TimelineEntry): string {
  switch (e.kind) {
    case 'registration':
    case 'review':
    case 'edit': {
      const known = s.t(`api:archive.entry.${e.action}`, { lng: s.lng, defaultValue: '' });
      const fields = Object.keys((e.detail.after as Record<string, unknown> | undefined) ?? {}).join(', ');
      const reason = typeof e.detail.reason === 'string' ? e.detail.reason : '';
      return known ? a(s, `entry.${e.action}`, { fields, reason }) : a(s, 'entry.other', { action: e.action });
    }
    case 'commitment':
      return a(s, 'entry.commitment', { version: e.letterVersion });
    case 'round':
      return a(s, 'entry.round', {
        period: e.period,
        status: a(s, `submission_status.${e.status}`),
        count: e.items.reduce((n, i) => n + i.photoIds.length, 0),
      });
    case 'hazard':
      return a(s, 'entry.hazard', {
        number: e.number,
        description: e.description,
        deadline: day(s, e.deadline),
        status: a(s, `hazard_status.${e.status}`),
      });
    case 'tip':
      return a(s, 'entry.tip', { number: e.number, text: e.text, status: a(s, `tip_status.${e.status}`) });
    case 'points':
      return a(s, 'entry.points', { amount: e.amount > 0 ? `+${e.amount}` : e.amount, reason: a(s, `point_reason.${e.reason}`) });
  }
}

/** The photos an entry shows (a round's per item, a hazard's evidence and site photos, a tip's). */
export function entryPhotos(e: TimelineEntry): string[] {
  if (e.kind === 'round') return e.items.flatMap((i) => i.photoIds);
  if (e.kind === 'hazard') return [...e.evidencePhotoIds, ...e.sitePhotos.map((p) => p.photoId)];
  if (e.kind === 'tip') return e.photoIds;
  return [];
}
