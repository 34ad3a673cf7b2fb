import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createBotTexts } from '../../bots/bot-texts';
import { createI18n } from '../../src/i18n';
import { projectRoot } from '../../src/project-root';

/** every leaf key of a bot.json, with its text */
function leaves(o: Record<string, unknown>, prefix = ''): [string, string][] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : leaves(v as Record<string, unknown>, `${prefix}${k}.`)));
}

describe('the bot texts filled without i18next', () => {
  it('are what i18next gives for every key, language and kind of value', async () => {
    const i18n = await createI18n('zh-CN');
    const t = i18n.t.bind(i18n);
    const text = createBotTexts(t);
    const values: unknown[] = ['网格1联防2组', '$& $1 $$', '{{codes}}', '$t(bot:help.title)', 0, 7, 2.5, '', null, undefined, new Date(0), ['a', 'b']];
    let checked = 0;
    for (const lng of ['zh-CN', 'en']) {
      const keys = new Map([...leaves(JSON.parse(readFileSync(path.join(projectRoot(), 'locales', lng, 'bot.json'), 'utf8')))]);
      for (const [key, raw] of keys) {
        // plural forms (key_one, key_other) are looked up by their base key with a count
        const base = key.replace(/_(zero|one|two|few|many|other)$/, '');
        const names = [...raw.matchAll(/\{\{([^{}]*)\}\}/g)].map((m) => m[1]!.trim().replace(/^-\s*/, '').split(',')[0]!.trim());
        expect(text(lng, base)).toBe(t(`bot:${base}`, { lng }));
        for (const [n, v] of values.entries()) {
          const params = Object.fromEntries(names.map((name, i) => [name, i % 2 ? values[(n + 1) % values.length] : v]));
          expect(text(lng, base, params)).toBe(t(`bot:${base}`, { lng, ...params }));
          // a parameter the text does not use, and one i18next reads as an option
          expect(text(lng, base, { ...params, extra: 'x' })).toBe(t(`bot:${base}`, { lng, ...params, extra: 'x' }));
          expect(text(lng, base, { ...params, count: 2 })).toBe(t(`bot:${base}`, { lng, ...params, count: 2 }));
          expect(text(lng, base, { ...params, context: 'male' })).toBe(t(`bot:${base}`, { lng, ...params, context: 'male' }));
          checked += 4;
        }
      }
    }
    expect(text('en', 'no.such.key', { a: 1 })).toBe(t('bot:no.such.key', { lng: 'en', a: 1 }));
    expect(checked).toBeGreaterThan(1000);
  });
});
