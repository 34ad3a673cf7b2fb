import { createHash, randomBytes } from 'node:crypto';

/** A real 1×1 PNG and JPEG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.from('/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=', 'base64');
/** the scan of the 1×1 JPEG above, then its end-of-image marker (a complete file, as a camera writes it) */
const JPEG_EOI = Buffer.from([0xff, 0xd9]);

/**
 * A distinct real image each call: bytes after the end of the image are ignored by
 * viewers, so each photo is a valid picture with its own sha256, as two real photos are.
 */
export const uniqueJpeg = (): Buffer => Buffer.concat([JPEG, JPEG_EOI, randomBytes(32)]);
export const uniquePng = (): Buffer => Buffer.concat([PNG, randomBytes(32)]);

/** The same distinct JPEG (or PNG) for the same label, in every run: for comparing two runs' stores. */
export const seededJpeg = (label: string): Buffer => Buffer.concat([JPEG, JPEG_EOI, createHash('sha256').update(label).digest()]);
export const seededPng = (label: string): Buffer => Buffer.concat([PNG, createHash('sha256').update(label).digest()]);
