import type { Message } from 'grammy/types';
import { commandFromText, type IncomingEvent, type Input, type ReceivedFile } from '../../core/index.js';

/** A deep link's payload (`t.me/<bot>?start=<payload>`): Telegram allows A-Z, a-z, 0-9, _ and - up to 64. */
const START_PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/;

export interface EventBase {
  channel: string;
  /** The bot's own id: update ids are unique per bot, so together they name one update for good. */
  botId: number;
  updateId: number;
  chatId: number;
  languageCode: string | undefined;
}

/** The parts every event of an update shares. */
export function eventOf(base: EventBase, input: Input, regionHint?: string): IncomingEvent {
  return {
    channel: base.channel,
    address: String(base.chatId),
    // A duplicate delivery (webhook retry, a restart before the offset was confirmed) carries the same update_id.
    eventId: `${base.botId}:${base.updateId}`,
    ...(base.languageCode ? { localeHint: base.languageCode } : {}),
    ...(regionHint ? { regionHint } : {}),
    input,
  };
}

export type MessageInput = { input: Input; regionHint?: string } | { unsupported: 'kind' | 'foreign-contact' };

/** How a file in a message is fetched from Telegram (getFile, then the download), at most `maxBytes`. */
export interface TelegramFiles {
  maxBytes: number;
  download(fileId: string, maxBytes: number): Promise<Uint8Array | null>;
}

/**
 * Of the sizes Telegram offers for one photo (smallest first), the largest
 * that is within the limit; the smallest when none is, so the core can tell
 * the person the limit. A size without `file_size` is assumed to fit (the
 * download stops at the limit anyway).
 */
export function pickPhotoSize<T extends { file_size?: number }>(sizes: T[], maxBytes: number): T | undefined {
  const fitting = sizes.filter((s) => (s.file_size ?? 0) <= maxBytes);
  return fitting.at(-1) ?? sizes[0];
}

function fileInput(files: TelegramFiles, fileId: string, size: number | undefined, mediaType?: string): Input {
  const file: ReceivedFile = {
    ...(size !== undefined ? { size } : {}),
    ...(mediaType ? { mediaType } : {}),
    fetch: (max) => files.download(fileId, max),
  };
  return { type: 'file', file };
}

/**
 * What a message in a private chat says, as the core's input: a command (with a
 * deep link's payload as region hint), text, a shared location, the person's
 * own phone number, a photo or a file (fetched only when the core wants it).
 * Anything else (stickers, voice, someone else's contact) is unsupported and answered so.
 */
export function inputOfMessage(message: Message, fromId: number | undefined, files?: TelegramFiles): MessageInput {
  if (typeof message.text === 'string') {
    const command = commandFromText(message.text, '/');
    if (command) {
      const payload = command.command === 'start' && command.args && START_PAYLOAD.test(command.args.trim()) ? command.args.trim() : undefined;
      return { input: { type: 'command', ...command }, ...(payload ? { regionHint: payload.toLowerCase() } : {}) };
    }
    return { input: { type: 'text', text: message.text } };
  }
  if (message.location) return { input: { type: 'location', lat: message.location.latitude, lon: message.location.longitude } };
  if (message.contact) {
    // Only the person's own number, shared with the button: a forwarded card of someone else is not theirs to give.
    if (fromId === undefined || message.contact.user_id !== fromId) return { unsupported: 'foreign-contact' };
    return { input: { type: 'contact', phone: message.contact.phone_number } };
  }
  if (files && message.photo?.length) {
    const size = pickPhotoSize(message.photo, files.maxBytes)!;
    return { input: fileInput(files, size.file_id, size.file_size) };
  }
  // A photo sent "as a file" keeps its original bytes; the core checks what it is.
  if (files && message.document) return { input: fileInput(files, message.document.file_id, message.document.file_size, message.document.mime_type) };
  return { unsupported: 'kind' };
}

/** A command in a group is ours only when addressed to us: `/help@OurBot`. */
export function isAddressedCommand(text: string | undefined, botUsername: string): boolean {
  const match = /^\/[A-Za-z0-9_]{1,32}@([A-Za-z0-9_]{3,64})(?:\s|$)/.exec(text ?? '');
  return match !== null && match[1]!.toLowerCase() === botUsername.toLowerCase();
}
