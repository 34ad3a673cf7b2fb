import type { Translate } from '../src/i18n';

/** Options i18next reads from a t() call's parameters: a call using one of them is left to i18next. */
const I18NEXT_OPTIONS = new Set([
  'count',
  'context',
  'ordinal',
  'defaultValue',
  'replace',
  'lng',
  'lngs',
  'ns',
  'keyPrefix',
  'fallbackLng',
  'interpolation',
  'postProcess',
  'returnObjects',
  'returnDetails',
  'returnNull',
  'returnEmptyString',
  'joinArrays',
  'skipInterpolation',
  'nest',
  'keySeparator',
  'nsSeparator',
  'missingInterpolationHandler',
  'formatParams',
  'appendNamespaceToMissingKey',
  'appendNamespaceToCIMode',
  'ignoreJSONStructure',
  'compatibilityJSON',
]);
const MISSING = '\u0000';

/** A template cut at its `{{name}}` places: the text between them, and the names. */
interface Template {
  texts: string[];
  names: string[];
}

/**
 * A template that can be filled without i18next, or null: only plain `{{name}}` places (no
 * formats, unescaping, object paths or nesting).
 */
function compile(raw: unknown): Template | null {
  if (typeof raw !== 'string' || raw === MISSING || raw.includes('$t(')) return null;
  const pieces = raw.split(/\{\{([^{}]*)\}\}/);
  const texts: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < pieces.length; i += 1) {
    if (i % 2 === 0) {
      texts.push(pieces[i]!);
      continue;
    }
    const name = pieces[i]!.trim();
    if (!/^\w+$/.test(name) || I18NEXT_OPTIONS.has(name)) return null;
    names.push(name);
  }
  if (names.length === 0 || texts.some((t) => t.includes('{{') || t.includes('}}'))) return null;
  return { texts, names };
}

/**
 * The template filled with `params`, or null (left to i18next) when a place's value is not a
 * plain string or number, or a parameter is one i18next reads as an option. (A parameter the
 * text does not use is ignored, as by i18next: `commit.already` is given the version it omits.)
 */
function fill(tpl: Template, params: Record<string, unknown>): string | null {
  for (const k in params) if (I18NEXT_OPTIONS.has(k) || k.startsWith('defaultValue')) return null;
  let out = tpl.texts[0]!;
  for (let i = 0; i < tpl.names.length; i += 1) {
    const v = params[tpl.names[i]!];
    if (typeof v !== 'string' && typeof v !== 'number') return null;
    out += String(v) + tpl.texts[i + 1]!;
  }
  return out;
}

/**
 * The bot's texts by language and key, as `t('bot:<key>', { lng, ...params })` gives them,
 * without i18next's lookup on every call: it costs more than most of a message's SQL and a
 * reply uses several (`进度`: seven). A text without parameters is looked up once; a
 * template's `{{name}}` places are filled here (i18next's interpolation leaves values as they
 * are, escapeValue being off); anything else — plurals, formats, nesting — goes to i18next.
 */
export function createBotTexts(t: Translate): (lng: string, key: string, params?: Record<string, unknown>) => string {
  const fixed = new Map<string, string>();
  const templates = new Map<string, Template | null>();
  return (lng, key, params) => {
    const k = `${lng}\u0000${key}`;
    if (!params) {
      let text = fixed.get(k);
      if (text === undefined) {
        text = t(`bot:${key}`, { lng });
        fixed.set(k, text);
      }
      return text;
    }
    let tpl = templates.get(k);
    if (tpl === undefined) {
      tpl = compile(t(`bot:${key}`, { lng, skipInterpolation: true, defaultValue: MISSING }));
      templates.set(k, tpl);
    }
    return (tpl && fill(tpl, params)) ?? t(`bot:${key}`, { lng, ...params });
  };
}
