import { describe, expect, it } from 'vitest';
import { BLUE_PNG, GREEN_WEBP, jpegWithMetadata, pngWithMetadata, RED_JPEG, SECRET_PLACE, webpWithMetadata } from '../../test/support/photos.js';
import { cleanImage } from './received.js';
import { DamagedImageError, exifOrientation, sniffImageType, stripImageMetadata } from './image-metadata.js';

const has = (bytes: Uint8Array, text: string) => Buffer.from(bytes).includes(Buffer.from(text, 'latin1'));

/** The marker bytes of a JPEG's segments before its image data, in order. */
function jpegMarkers(bytes: Uint8Array): number[] {
  const markers: number[] = [];
  let pos = 2;
  while (pos < bytes.length && bytes[pos] === 0xff) {
    const marker = bytes[pos + 1]!;
    markers.push(marker);
    if (marker === 0xda) break;
    pos += 2 + ((bytes[pos + 2]! << 8) | bytes[pos + 3]!);
  }
  return markers;
}

describe('photo metadata', () => {
  it('tells JPEG, PNG and WebP by their bytes, and nothing else', () => {
    expect(sniffImageType(RED_JPEG)).toBe('image/jpeg');
    expect(sniffImageType(BLUE_PNG)).toBe('image/png');
    expect(sniffImageType(GREEN_WEBP)).toBe('image/webp');
    expect(sniffImageType(Buffer.from('%PDF-1.7\n'))).toBeNull();
    expect(sniffImageType(Buffer.from('GIF89a'))).toBeNull();
    expect(sniffImageType(new Uint8Array())).toBeNull();
  });

  it('removes EXIF (with the position), XMP, IPTC and comments from a JPEG and keeps its orientation', () => {
    const phone = jpegWithMetadata(6);
    expect(has(phone, SECRET_PLACE)).toBe(true);
    const clean = stripImageMetadata(phone, 'image/jpeg');
    expect(has(clean, SECRET_PLACE)).toBe(false);
    // SOI, JFIF, the new orientation-only EXIF, then the picture's own tables and data, byte for byte.
    expect(jpegMarkers(clean)).toEqual([0xe0, 0xe1, ...jpegMarkers(RED_JPEG).slice(1)]);
    const out = Buffer.from(clean);
    const app1Start = 2 + 2 + out.readUInt16BE(4);
    const app1 = out.subarray(app1Start + 4, app1Start + 2 + out.readUInt16BE(app1Start + 2));
    expect(exifOrientation(app1)).toBe(6);
    // Everything after JFIF is the original picture, byte for byte.
    const jfifEnd = 2 + 2 + RED_JPEG.readUInt16BE(4);
    expect(out.subarray(out.length - (RED_JPEG.length - jfifEnd))).toEqual(RED_JPEG.subarray(jfifEnd));
  });

  it('leaves a JPEG without metadata as it was', () => {
    expect(Buffer.from(stripImageMetadata(RED_JPEG, 'image/jpeg'))).toEqual(RED_JPEG);
    // Orientation 1 (upright) needs no EXIF block at all.
    const upright = stripImageMetadata(jpegWithMetadata(1), 'image/jpeg');
    expect(Buffer.from(upright)).toEqual(RED_JPEG);
  });

  it('removes eXIf and text chunks from a PNG', () => {
    const clean = stripImageMetadata(pngWithMetadata(), 'image/png');
    expect(has(clean, SECRET_PLACE)).toBe(false);
    expect(Buffer.from(clean)).toEqual(BLUE_PNG);
  });

  it('removes EXIF and XMP chunks from a WebP and stops its header announcing them', () => {
    const phone = webpWithMetadata();
    const clean = Buffer.from(stripImageMetadata(phone, 'image/webp'));
    expect(has(clean, SECRET_PLACE)).toBe(false);
    expect(clean.readUInt32LE(4)).toBe(clean.length - 8);
    expect(clean.toString('latin1', 12, 16)).toBe('VP8X');
    expect(clean[20]! & 0x0c).toBe(0);
    expect(clean.includes(GREEN_WEBP.subarray(12))).toBe(true);
  });

  it('refuses a cut-off file as damaged rather than passing on what it cannot follow', () => {
    const phone = jpegWithMetadata();
    expect(() => stripImageMetadata(phone.subarray(0, 40), 'image/jpeg')).toThrow(DamagedImageError);
    expect(() => stripImageMetadata(BLUE_PNG.subarray(0, 30), 'image/png')).toThrow(DamagedImageError);
    expect(() => stripImageMetadata(webpWithMetadata().subarray(0, 30), 'image/webp')).toThrow(DamagedImageError);
  });

  it('answers a received file: too large, wrong type, damaged, or the cleaned photo', () => {
    expect(cleanImage({ size: 6_000_000 }, 5 * 1024 * 1024)).toEqual({ key: 'attachments:tooLarge', params: { max: 5 } });
    expect(cleanImage({ bytes: Buffer.from('%PDF-1.7\n') })).toEqual({ key: 'attachments:wrongType' });
    expect(cleanImage({ bytes: jpegWithMetadata().subarray(0, 40) })).toEqual({ key: 'attachments:unreadable' });
    const clean = cleanImage({ bytes: jpegWithMetadata(), mediaType: 'image/png' });
    if ('key' in clean) throw new Error('expected a photo');
    expect(clean.mediaType).toBe('image/jpeg');
    expect(has(clean.bytes, SECRET_PLACE)).toBe(false);
    expect(clean.size).toBe(clean.bytes.length);
    expect(clean.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
