import type { Photo } from '../../domain/types';
import type { Deps } from '../deps';
import { checkPhoto } from './check-photo';

/**
 * Any photo someone sends the bot (or staff upload): recognised by its bytes (a bounded signature and
 * structure check, then decoded under a pixel limit: `checkPhoto`) and stored durably, counted for nothing yet —
 * before anything else is decided, so nothing a person sent is lost.
 */
export async function keepPhoto(
  deps: Deps,
  input: { bytes: Buffer; contactId: string | null; messageId: string | null; what?: string },
): Promise<Photo> {
  const mime = await checkPhoto(input.bytes, input.what);
  const blob = await deps.store.blobs.put(input.bytes);
  return deps.store.photos.insert({
    sha256: blob.sha256,
    mime,
    size: blob.size,
    contactId: input.contactId,
    messageId: input.messageId,
    houseId: null,
    roundId: null,
    item: null,
    hazardId: null,
    tipId: null,
    counted: false,
  });
}
