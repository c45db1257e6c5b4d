/**
 * Photos as people send them, checked and cleaned before anyone else sees
 * them. Cameras write where and when a photo was taken (EXIF GPS), the device
 * and often the owner's name; none of that is the service's to pass on. This
 * removes the metadata blocks of JPEG, PNG and WebP without decoding a pixel,
 * so it needs no native image library.
 */

export type ImageType = 'image/jpeg' | 'image/png' | 'image/webp';

export const IMAGE_TYPES: readonly ImageType[] = ['image/jpeg', 'image/png', 'image/webp'];

/** The type the bytes themselves say, whatever the sender claimed; null for anything else. */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => bytes[i] === b)) return 'image/png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'image/webp';
  return null;
}

/** The file is not what its first bytes promise (cut off, or a broken structure). */
export class DamagedImageError extends Error {
  constructor(what: string) {
    super(`damaged image: ${what}`);
    this.name = 'DamagedImageError';
  }
}

/**
 * The same image without its metadata: EXIF (with GPS), XMP, IPTC and
 * comments go; what is needed to show it right stays (colour profile, and a
 * JPEG's orientation, rewritten as the only EXIF entry). Throws
 * {@link DamagedImageError} when the structure cannot be followed.
 */
export function stripImageMetadata(bytes: Uint8Array, type: ImageType): Uint8Array {
  switch (type) {
    case 'image/jpeg':
      return stripJpeg(bytes);
    case 'image/png':
      return stripPng(bytes);
    case 'image/webp':
      return stripWebp(bytes);
  }
}

// JPEG: APP1 holds EXIF and XMP, APP13 Photoshop/IPTC, COM free text. APP0 (JFIF), APP2 (ICC profile)
// and APP14 (Adobe colour transform) are needed to show the picture right and carry nothing personal.
const JPEG_DROPPED = new Set([0xe1, 0xed, 0xfe]);

function stripJpeg(bytes: Uint8Array): Uint8Array {
  const out: Uint8Array[] = [bytes.subarray(0, 2)];
  let orientation: number | null = null;
  let pos = 2;
  for (;;) {
    if (pos >= bytes.length) throw new DamagedImageError('JPEG ends before its image data');
    if (bytes[pos] !== 0xff) throw new DamagedImageError('JPEG segment without a marker');
    // Any number of 0xFF may pad before a marker.
    while (bytes[pos] === 0xff && pos < bytes.length) pos++;
    const marker = bytes[pos];
    pos++;
    if (marker === undefined) throw new DamagedImageError('JPEG ends in a marker');
    if (marker === 0xd9) {
      out.push(Uint8Array.of(0xff, 0xd9));
      break;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      out.push(Uint8Array.of(0xff, marker));
      continue;
    }
    if (pos + 2 > bytes.length) throw new DamagedImageError('JPEG segment length cut off');
    const length = (bytes[pos]! << 8) | bytes[pos + 1]!;
    if (length < 2 || pos + length > bytes.length) throw new DamagedImageError('JPEG segment longer than the file');
    const segment = bytes.subarray(pos - 2, pos + length);
    if (marker === 0xe1 && orientation === null) orientation = exifOrientation(bytes.subarray(pos + 2, pos + length));
    if (!JPEG_DROPPED.has(marker)) out.push(segment);
    pos += length;
    if (marker === 0xda) {
      // Start of scan: the compressed picture follows to the end; metadata comes before it.
      out.push(bytes.subarray(pos));
      break;
    }
  }
  if (orientation !== null && orientation !== 1) out.splice(jfifEnd(out), 0, orientationSegment(orientation));
  return concat(out);
}

/** After SOI and a JFIF APP0, where an APP1 belongs. */
function jfifEnd(parts: Uint8Array[]): number {
  return parts[1] && parts[1][1] === 0xe0 ? 2 : 1;
}

/** The Orientation tag (0x0112) of an APP1 "Exif" block's first IFD, or null. */
export function exifOrientation(app1: Uint8Array): number | null {
  if (app1.length < 14 || ascii(app1, 0, 6) !== 'Exif\0\0') return null;
  const tiff = app1.subarray(6);
  const little = ascii(tiff, 0, 2) === 'II';
  if (!little && ascii(tiff, 0, 2) !== 'MM') return null;
  const u16 = (at: number) => (at + 2 > tiff.length ? -1 : little ? tiff[at]! | (tiff[at + 1]! << 8) : (tiff[at]! << 8) | tiff[at + 1]!);
  const u32 = (at: number) => (at + 4 > tiff.length ? -1 : little ? (u16(at) | (u16(at + 2) << 16)) >>> 0 : ((u16(at) << 16) | u16(at + 2)) >>> 0);
  const ifd = u32(4);
  const entries = u16(ifd);
  if (ifd < 8 || entries < 0) return null;
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : null;
    }
  }
  return null;
}

/** A minimal APP1 Exif segment with nothing but the orientation, so a phone photo is not shown on its side. */
function orientationSegment(orientation: number): Uint8Array {
  const tiff = [0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0];
  const body = [...'Exif\0\0'].map((c) => c.charCodeAt(0)).concat(tiff);
  const length = body.length + 2;
  return Uint8Array.from([0xff, 0xe1, length >> 8, length & 0xff, ...body]);
}

// PNG: eXIf is EXIF; tEXt, zTXt and iTXt hold free text and XMP; tIME when it was last changed.
const PNG_DROPPED = new Set(['eXIf', 'tEXt', 'zTXt', 'iTXt', 'tIME']);

function stripPng(bytes: Uint8Array): Uint8Array {
  const out: Uint8Array[] = [bytes.subarray(0, 8)];
  let pos = 8;
  let ended = false;
  while (!ended) {
    if (pos + 12 > bytes.length) throw new DamagedImageError('PNG ends before IEND');
    const length = u32be(bytes, pos);
    const type = ascii(bytes, pos + 4, 4);
    const end = pos + 12 + length;
    if (end > bytes.length) throw new DamagedImageError('PNG chunk longer than the file');
    // Each chunk carries its own CRC, so dropping whole chunks leaves the others valid.
    if (!PNG_DROPPED.has(type)) out.push(bytes.subarray(pos, end));
    ended = type === 'IEND';
    pos = end;
  }
  return concat(out);
}

// WebP (RIFF): EXIF and "XMP " chunks go, and the extended header's flags must stop announcing them.
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

function stripWebp(bytes: Uint8Array): Uint8Array {
  const riffEnd = 8 + u32le(bytes, 4);
  if (riffEnd > bytes.length || riffEnd < 12) throw new DamagedImageError('WebP size beyond the file');
  const out: Uint8Array[] = [];
  let pos = 12;
  while (pos < riffEnd) {
    if (pos + 8 > riffEnd) throw new DamagedImageError('WebP chunk header cut off');
    const type = ascii(bytes, pos, 4);
    const size = u32le(bytes, pos + 4);
    const end = pos + 8 + size + (size % 2);
    if (pos + 8 + size > riffEnd) throw new DamagedImageError('WebP chunk longer than the file');
    if (type === 'VP8X') {
      const chunk = bytes.slice(pos, Math.min(end, riffEnd));
      chunk[8] = chunk[8]! & ~(VP8X_EXIF | VP8X_XMP);
      out.push(chunk);
    } else if (type !== 'EXIF' && type !== 'XMP ') {
      out.push(bytes.subarray(pos, Math.min(end, riffEnd)));
    }
    pos = end;
  }
  const body = concat(out);
  const header = new Uint8Array(12);
  header.set(bytes.subarray(0, 12));
  new DataView(header.buffer).setUint32(4, body.length + 4, true);
  return concat([header, body]);
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

function u32be(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

function u32le(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
