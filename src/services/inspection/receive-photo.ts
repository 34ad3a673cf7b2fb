import type { Tip } from '../../domain/types';
import { createIntent, findIntent } from '../conversation/intents';
import { ensureContact, type Speaker } from '../conversation/speaker';
import type { Deps } from '../deps';
import { addTipPhoto, TIP_MAX_PHOTOS } from '../tips/tips';
import { createHash } from 'node:crypto';
import { nothingToSend, seenInGroup } from './photo-burst';
import { keepPhoto } from './keep-photo';
import { submitPhoto, type PhotoOutcome } from './submit-photo';

/**
 * What a photo became: an inspection outcome, a photo of a tip, a stranger's photo waiting
 * for `举报`, or a picture in a group that is not for the bot (`ignored`: kept nowhere, nothing said).
 */
export type ReceivedPhoto = PhotoOutcome | { status: 'tip_photo'; tip: Tip } | { status: 'tip_first' } | { status: 'ignored' };

/**
 * "What is this photo?", decided in one place. Kept first, whoever sent it. In a private
 * chat it goes to the sender's tip when one waits for photos, or waits for `举报` from
 * someone who is not a landlord (at most a tip's worth: a stranger cannot fill the disk);
 * otherwise it is a registered landlord's inspection photo or hazard evidence. In a group, a
 * picture already seen there (forwarded again, sent twice) or one from a landlord with
 * nothing to send and nothing named is not for the bot: it is not kept, and nothing is said.
 */
export async function receivePhoto(
  deps: Deps,
  input: { speaker: Speaker; said: { conversation: string; at: Date }; where: 'room' | 'private'; bytes: Buffer; messageId: string },
): Promise<ReceivedPhoto> {
  const { speaker } = input;
  const contact = speaker.contact ?? (await ensureContact(deps, speaker.wechatId, speaker.name));
  const said = { ...input.said, contactId: contact.id };
  const stranger = input.where === 'private' && speaker.houses.length === 0;
  if (
    stranger &&
    (await deps.store.intents.count({ contactId: contact.id, kind: 'loose_photo', expiresAt: { gt: deps.clock.now() } })) >=
      TIP_MAX_PHOTOS &&
    !(await findIntent(deps, said, ['tip_photos']))
  ) {
    return { status: 'tip_first' };
  }
  if (input.where === 'room' && speaker.houses.length > 0) {
    const sha256 = createHash('sha256').update(input.bytes).digest('hex');
    if (await seenInGroup(deps, sha256, speaker.houses[0]!.groupId)) return { status: 'ignored' };
    if (await nothingToSend(deps, said, speaker.houses)) return { status: 'ignored' };
  }
  const photo = await keepPhoto(deps, { bytes: input.bytes, contactId: contact.id, messageId: input.messageId });
  if (input.where === 'private') {
    const tip = await addTipPhoto(deps, { said, photoId: photo.id });
    if (tip) return { status: 'tip_photo', tip };
    if (stranger) {
      await createIntent(deps, said, 'loose_photo', { photoId: photo.id });
      return { status: 'tip_first' };
    }
  }
  return submitPhoto(deps, { speaker, photo, said });
}
