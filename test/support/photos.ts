/**
 * Real, tiny images (8×8, made with ImageMagick and `-strip`), and the
 * metadata a phone camera writes, to put into them: an EXIF block with a GPS
 * position and an orientation, XMP, a comment.
 */
export const RED_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/2wBDAQMDAwQDBAgEBAgQCwkLEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBD/wAARCAAIAAgDAREAAhEBAxEB/8QAFAABAAAAAAAAAAAAAAAAAAAACP/EABQQAQAAAAAAAAAAAAAAAAAAAAD/xAAVAQEBAAAAAAAAAAAAAAAAAAAHCf/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAMAwEAAhEDEQA/ADoDFU3/2Q==',
  'base64',
);
export const BLUE_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAgAAAAIAQMAAAD+wSzIAAAAA1BMVEUAAP+KeNJXAAAAC0lEQVQI12NgQAUAABAAAaHFIcEAAAAASUVORK5CYII=', 'base64');
export const GREEN_WEBP = Buffer.from('UklGRjgAAABXRUJQVlA4ICwAAADQAQCdASoIAAgAAgA0JaACdLoB+AADsAD+8Oj3/yC5YXXI1/5sCua5+agAAA==', 'base64');

/** What the camera wrote: found anywhere in a file, the metadata survived. */
export const SECRET_PLACE = 'GPS 52.5200N 13.4050E Camera of Olena';

/** An APP1 "Exif" segment, little-endian TIFF, IFD0 with Orientation (6: turned right) and an ImageDescription holding {@link SECRET_PLACE}. */
export function exifSegment(orientation = 6): Buffer {
  const text = Buffer.from(`${SECRET_PLACE}\0`, 'latin1');
  const ifd = Buffer.alloc(2 + 2 * 12 + 4);
  ifd.writeUInt16LE(2, 0);
  // ImageDescription (0x010e), ASCII, pointing at the text after the IFD.
  ifd.writeUInt16LE(0x010e, 2);
  ifd.writeUInt16LE(2, 4);
  ifd.writeUInt32LE(text.length, 6);
  ifd.writeUInt32LE(8 + ifd.length, 10);
  // Orientation (0x0112), SHORT, 1 value.
  ifd.writeUInt16LE(0x0112, 14);
  ifd.writeUInt16LE(3, 16);
  ifd.writeUInt32LE(1, 18);
  ifd.writeUInt16LE(orientation, 22);
  const tiff = Buffer.concat([Buffer.from('II*\0', 'latin1'), Buffer.from([8, 0, 0, 0]), ifd, text]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([header, body]);
}

function segment(marker: number, content: string): Buffer {
  const body = Buffer.from(content, 'latin1');
  const header = Buffer.from([0xff, marker, 0, 0]);
  header.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([header, body]);
}

/** The red JPEG as a phone would send it: EXIF with position and orientation, XMP, IPTC and a comment after JFIF. */
export function jpegWithMetadata(orientation = 6): Buffer {
  const jfifEnd = 2 + 2 + RED_JPEG.readUInt16BE(4);
  return Buffer.concat([
    RED_JPEG.subarray(0, jfifEnd),
    exifSegment(orientation),
    segment(0xe1, `http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>${SECRET_PLACE}</x:xmpmeta>`),
    segment(0xed, `Photoshop 3.0\0${SECRET_PLACE}`),
    segment(0xfe, SECRET_PLACE),
    RED_JPEG.subarray(jfifEnd),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  // The CRC is not checked by the stripper; a real one is not needed to prove what is dropped.
  return Buffer.concat([length, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
}

/** The blue PNG with an eXIf chunk and text chunks after its header. */
export function pngWithMetadata(): Buffer {
  const ihdrEnd = 8 + 12 + BLUE_PNG.readUInt32BE(8);
  return Buffer.concat([
    BLUE_PNG.subarray(0, ihdrEnd),
    pngChunk('eXIf', exifSegment().subarray(10)),
    pngChunk('tEXt', Buffer.from(`Comment\0${SECRET_PLACE}`, 'latin1')),
    pngChunk('iTXt', Buffer.from(`XML:com.adobe.xmp\0\0\0\0\0${SECRET_PLACE}`, 'latin1')),
    BLUE_PNG.subarray(ihdrEnd),
  ]);
}

function riffChunk(type: string, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.write(type, 0, 'latin1');
  header.writeUInt32LE(data.length, 4);
  return Buffer.concat([header, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

/** The green WebP in the extended format (VP8X announcing EXIF and XMP), with both chunks. */
export function webpWithMetadata(): Buffer {
  const vp8x = Buffer.alloc(10);
  vp8x[0] = 0x08 | 0x04;
  vp8x.writeUIntLE(7, 4, 3);
  vp8x.writeUIntLE(7, 7, 3);
  const body = Buffer.concat([
    Buffer.from('WEBP', 'latin1'),
    riffChunk('VP8X', vp8x),
    GREEN_WEBP.subarray(12),
    riffChunk('EXIF', exifSegment().subarray(10)),
    riffChunk('XMP ', Buffer.from(`<x:xmpmeta>${SECRET_PLACE}</x:xmpmeta>`, 'latin1')),
  ]);
  const header = Buffer.from('RIFF\0\0\0\0', 'latin1');
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body]);
}
