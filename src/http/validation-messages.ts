import type { ZodError } from 'zod';
import type { Translate } from '../i18n';

type Issue = ZodError['issues'][number] & {
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  expected?: string;
  values?: unknown[];
  keys?: string[];
  format?: string;
};
export interface FieldProblem {
  field: string;
  label: string;
  message: string;
}

/**
 * Each problem of a request, in the caller's language, named as staff know the field
 * (房屋编号, not `houseCode`) — issue 15. English keeps a route's own hint where it wrote one.
 */
export function describeIssues(issues: readonly Issue[], t: Translate, lng: 'zh-CN' | 'en'): FieldProblem[] {
  return issues.map((i) => {
    const field = i.path.map(String).join('.');
    const last = [...i.path].reverse().find((p) => typeof p === 'string') as string | undefined;
    const label = last ? t(`api:fields.${last}`, { lng, defaultValue: last }) : t('api:issues.input', { lng });
    const p = { lng, field: label, minimum: String(i.minimum ?? ''), maximum: String(i.maximum ?? '') };
    let key: string;
    let extra: Record<string, string> = {};
    switch (i.code) {
      case 'too_small':
      case 'too_big':
        key = ['string', 'number', 'array'].includes(i.origin ?? '') ? `${i.code}_${i.origin}` : i.code;
        break;
      case 'invalid_type':
        key = 'invalid_type';
        extra = { expected: t(`api:issues.types.${i.expected}`, { lng, defaultValue: i.expected ?? '' }) };
        break;
      case 'invalid_value':
        key = 'invalid_value';
        extra = { values: (i.values ?? []).map(String).join(' / ') };
        break;
      case 'unrecognized_keys':
        key = 'unrecognized_keys';
        extra = { keys: (i.keys ?? []).join(', ') };
        break;
      case 'invalid_format':
        key = 'invalid_format';
        break;
      case 'custom':
        key = 'custom';
        break;
      default:
        key = 'other';
    }
    // a count of characters or items takes the plural form where the language has one ("at least 1 character")
    const count = /_(string|array)$/.test(key) ? { count: Number(i.code === 'too_small' ? i.minimum : i.maximum) } : {};
    let message = t(`api:issues.${key}`, { ...p, ...extra, ...count, interpolation: { escapeValue: false } });
    // a route's own hint ("period must be YYYY-MM") says more than a generic line, in English
    if (lng === 'en' && (i.code === 'invalid_format' || i.code === 'custom') && i.message && !/^Invalid/.test(i.message))
      message = i.message;
    return { field, label, message };
  });
}
