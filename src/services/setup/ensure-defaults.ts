import type { Deps } from '../deps';

/** Ships the default commitment letter (version 1, zh-CN and en) so commitments work on day one. */
export async function ensureDefaults({ store, clock, t }: Deps): Promise<void> {
  if (await store.letters.findOne({ version: 1 })) return;
  const texts = { 'zh-CN': t('templates:letter.v1', { lng: 'zh-CN' }), en: t('templates:letter.v1', { lng: 'en' }) };
  // (another process sharing the store may have inserted it first)
  await store.letters.insertIfAbsent({ version: 1, texts, publishedAt: clock.now() });
}
