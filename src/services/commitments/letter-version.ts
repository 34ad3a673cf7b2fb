import type { Locale } from '../../domain/types';
import type { Store } from '../../storage/store';
import type { Deps } from '../deps';

/**
 * The newest commitment letter's version (null before the first): what `我承诺` commits to
 * and what the tallies count. Reads the versions alone — a letter's texts, in every
 * language, are long, and this is asked on most landlord messages.
 */
export async function currentLetterVersion(store: Store): Promise<number | null> {
  const versions = await store.letters.distinct('version', {});
  return versions.length ? Math.max(...versions) : null;
}

/** The newest commitment letter's text in a language (zh-CN when it has none in that one); '' before any letter. */
export async function currentLetterText({ store }: Deps, lng: Locale): Promise<string> {
  const letter = await store.letters.findOne({}, { version: -1 });
  return letter?.texts[lng] ?? letter?.texts['zh-CN'] ?? '';
}
