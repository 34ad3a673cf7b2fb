import { randomBytes } from 'node:crypto';

/** A real 1×1 PNG and JPEG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.from('/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=', 'base64');

/**
 * A distinct real image each call: bytes after the end of the image are ignored by
 * viewers, so each photo is a valid picture with its own sha256, as two real photos are.
 */
export const uniqueJpeg = (): Buffer => Buffer.concat([JPEG, randomBytes(32)]);
export const uniquePng = (): Buffer => Buffer.concat([PNG, randomBytes(32)]);
