/** SPEC §3: what the bot accepts as a photo. */
export const PHOTO_MAX_BYTES = 20 * 1024 * 1024;
export const PHOTO_MIMES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif'];
