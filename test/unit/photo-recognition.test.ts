/** Issue 8: photos are recognised by their bytes, in bounded time, by code that cannot loop. */
import { recognizePhoto } from '../../src/domain/photo';
import { HEIC, hostileFiles, randomFiles, uniqueJpeg, uniquePng, WEBP } from '../support/images';

describe('recognizePhoto', () => {
  it('knows JPEG, PNG, WebP and HEIC', () => {
    expect(recognizePhoto(uniqueJpeg())).toBe('image/jpeg');
    expect(recognizePhoto(uniquePng())).toBe('image/png');
    expect(recognizePhoto(WEBP)).toBe('image/webp');
    expect(recognizePhoto(HEIC)).toBe('image/heic');
  });

  it.each(hostileFiles().map((h) => [h.name, h] as const))('%s', (_name, h) => {
    expect(recognizePhoto(h.bytes) !== null).toBe(h.image);
  });

  it('answers 10,000 random byte strings (some with real signatures) without hanging, accepting none', () => {
    const accepted = randomFiles(10_000).filter((b) => recognizePhoto(b) !== null);
    expect(accepted).toEqual([]);
  });

  it('walks a 20 MB file of JPEG segments once (a loop would never end)', () => {
    const seg = Buffer.from([0xff, 0xe1, 0xff, 0xff, ...Buffer.alloc(65533)]);
    const big = Buffer.concat([Buffer.from([0xff, 0xd8]), ...Array(300).fill(seg)]);
    expect(recognizePhoto(big)).toBeNull();
  });
});
