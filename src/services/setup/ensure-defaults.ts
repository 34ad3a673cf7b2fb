import type { Deps } from '../deps';

/** Ships the default commitment letter (version 1, zh-CN and en) so commitments work on day one. */
export async function ensureDefaults({ store, clock, t }: Deps): Promise<void> {
  if (await store.letters.findOne({ version: 1 })) return;
  const texts = { 'zh-CN': t('templates:letter.v1', { lng: 'zh-CN' }), en: t('templates:letter.v1', { lng: 'en' }) };
  try {
    await store.letters.insert({ version: 1, texts, publishedAt: clock.now() });
  } catch (e) {
    // another process sharing the store inserted it first
    if ((e as { code?: string }).code !== 'conflict') throw e;
  }
}
