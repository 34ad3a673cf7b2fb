import { me } from './api';
import { lng, t } from './i18n';

/**
 * Words and readable times for what the API answers in codes and UTC (issue 26, item 7): a status
 * or schedule slug in the page's language, a time in the street's configured time zone
 * (`GET /me`'s timeZone) as people write it, never an ISO timestamp.
 */
const zone = () => me.value?.timeZone ?? 'Asia/Shanghai';

/** `2026年12月7日 20:00` / `Dec 7, 2026, 8:00 PM`, in the configured time zone; '' for none. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(lng.value, { timeZone: zone(), dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' }).format(d);
}

/** A calendar day (`2026-12-31`, or a timestamp's day in the configured zone): `2026年12月31日`. */
export function day(value: string | null | undefined): string {
  if (!value) return '';
  const plain = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = plain ? new Date(Date.UTC(+plain[1]!, +plain[2]! - 1, +plain[3]!, 12)) : new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(lng.value, { timeZone: plain ? 'UTC' : zone(), dateStyle: 'medium' }).format(d);
}

/** A month (`2026-12`): `2026年12月` / `December 2026`. */
export function month(period: string | null | undefined): string {
  const m = /^(\d{4})-(\d{2})$/.exec(period ?? '');
  if (!m) return period ?? '';
  return new Intl.DateTimeFormat(lng.value, { timeZone: 'UTC', year: 'numeric', month: lng.value === 'en' ? 'long' : 'numeric' }).format(new Date(Date.UTC(+m[1]!, +m[2]! - 1, 15)));
}

/** A code in words, by kind (`hazard`, `tip`, `broadcast`, `delivery`, `job`, `action`): the code itself when no word is known. */
export function word(kind: string, code: string | null | undefined): string {
  if (!code) return '';
  const key = `${kind}_${code}`;
  const said = t(key);
  return said === key ? code : said;
}

/**
 * A roster row's message or warning, which the API words in both languages (`中文 / English`,
 * several joined by `; `): the page's language only.
 */
export function oneLanguage(message: string): string {
  const en = lng.value === 'en';
  return message
    .split('; ')
    .map((part) => {
      const i = part.indexOf(' / ');
      return i < 0 ? part : en ? part.slice(i + 3) : part.slice(0, i);
    })
    .join(en ? '; ' : '；');
}
