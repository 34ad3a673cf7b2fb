import { DomainError } from '../../domain/errors';
import type { Letter } from '../../domain/types';
import type { Deps } from '../deps';
import { noticeKey, type NoticeData } from '../sending/notifier';

/**
 * `POST /letters`: a new commitment letter version. Commitments to earlier versions stop
 * counting, so every bound room is told to commit again.
 */
export async function publishLetter(
  deps: Deps,
  input: { texts: Letter['texts']; by: string },
): Promise<{ letter: Letter; notices: NoticeData[] }> {
  const { store, clock } = deps;
  for (let attempt = 0; ; attempt += 1) {
    const latest = await store.letters.findOne({}, { version: -1 });
    const letter = await store.letters.insertIfAbsent({
      version: (latest?.version ?? 0) + 1,
      texts: input.texts,
      publishedAt: clock.now(),
    });
    if (letter) {
      await store.audit.insert({ actor: input.by, action: 'publish_letter', target: `letter:${letter.version}`, detail: {} });
      // every bound room is told, in its language, with the letter's text in it
      const rooms = await store.groups.find({ roomId: { ne: null } });
      const notices = rooms.map((g): NoticeData => ({
        key: noticeKey.letter(letter.version, g.roomId!),
        roomId: g.roomId!,
        mentions: [],
        lng: g.locale,
        say: {
          key: 'letter.updated',
          params: { version: letter.version, letter: letter.texts[g.locale ?? deps.locale] ?? letter.texts['zh-CN'] },
        },
      }));
      return { letter, notices };
    }
    // two publishers at once: the loser takes the next number
    if (attempt >= 3) throw new DomainError('conflict', 'letter version taken');
  }
}
