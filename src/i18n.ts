import i18next, { type Resource, type TFunction } from 'i18next';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './project-root';

export type Translate = TFunction;
export const NAMESPACES = ['api', 'bot', 'dashboard', 'templates'] as const;

/** Loads every `locales/<lng>/<ns>.json` into its own i18next instance (no global), ready when it returns. */
export function createI18nSync(defaultLocale: 'zh-CN' | 'en' = 'zh-CN', dir = path.join(projectRoot(), 'locales')) {
  const resources: Resource = {};
  for (const lng of readdirSync(dir)) {
    resources[lng] = {};
    for (const file of readdirSync(path.join(dir, lng)).filter((f) => f.endsWith('.json'))) {
      resources[lng][file.replace(/\.json$/, '')] = JSON.parse(readFileSync(path.join(dir, lng, file), 'utf8'));
    }
  }
  const i18n = i18next.createInstance();
  // the resources are in memory: with initAsync off, init completes before it returns
  void i18n.init({
    initAsync: false,
    resources,
    lng: defaultLocale,
    fallbackLng: defaultLocale === 'en' ? ['en', 'zh-CN'] : ['zh-CN', 'en'],
    supportedLngs: Object.keys(resources),
    ns: [...NAMESPACES],
    defaultNS: 'api',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return i18n;
}

/** The same, for callers that await it. */
export async function createI18n(defaultLocale: 'zh-CN' | 'en' = 'zh-CN', dir?: string) {
  return createI18nSync(defaultLocale, dir);
}

/** Picks zh-CN or en from an Accept-Language header; Chinese first. */
export function pickLocale(acceptLanguage: string | undefined, fallback: 'zh-CN' | 'en'): 'zh-CN' | 'en' {
  if (!acceptLanguage) return fallback;
  const langs = acceptLanguage.split(',').map((p) => p.split(';')[0]?.trim().toLowerCase() ?? '');
  for (const l of langs) {
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return fallback;
}

/** Just the translator (every namespace), for scripts and tests that need no instance. */
export function createTranslator(defaultLocale: 'zh-CN' | 'en' = 'zh-CN'): Translate {
  const i18n = createI18nSync(defaultLocale);
  return i18n.t.bind(i18n);
}
