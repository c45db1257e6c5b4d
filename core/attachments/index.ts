export type { AttachmentInfo, AttachmentRepository } from './ports.js';
export { DEFAULT_MAX_ATTACHMENT_BYTES, megabytes, type AttachmentSettings } from './settings.js';
export { sniffImageType, stripImageMetadata, exifOrientation, DamagedImageError, IMAGE_TYPES, type ImageType } from './image-metadata.js';
export { cleanImage, receiveFile, type CleanImage } from './received.js';
export { mayViewPhoto, photoForViewer, photosHere, publishedPhoto, versionPhoto } from './item-photos.js';
