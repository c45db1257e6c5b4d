/** Limits for photos, set by the operator (ATTACHMENT_MAX_BYTES). */
export interface AttachmentSettings {
  maxBytes: number;
  /** Whether people on this channel can send and receive photos (the messenger's `images` capability). */
  imagesOn(channel: string): boolean;
}

export const DEFAULT_MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

/** Sizes as people read them: "5 MB", "1.5 MB", "0.25 MB". */
export function megabytes(bytes: number): number {
  return Math.round((bytes / (1024 * 1024)) * 100) / 100;
}
