import { GrammyError, InputFile, type Api } from 'grammy';
import type { Outgoing } from './telegram-renderer.js';
import type { TelegramFiles } from './telegram-updates.js';

/** Where the bot finds a stored photo to send (the core named it by id), and the largest it accepts. */
export interface TelegramPhotos {
  maxBytes: number;
  load(id: string): Promise<Uint8Array | null>;
}

/**
 * Sends a stored photo with its caption; returns the message id, or null when
 * the photo is gone meanwhile (its item was deleted): the texts still follow.
 */
export async function sendStoredPhoto(api: Api, chatId: number, part: Extract<Outgoing, { kind: 'photo' }>, photos: TelegramPhotos | undefined): Promise<number | null> {
  const bytes = await photos?.load(part.id);
  if (!bytes) return null;
  const message = await api.sendPhoto(chatId, new InputFile(Buffer.from(bytes), 'photo'), { caption: part.caption, parse_mode: 'HTML' });
  return message.message_id;
}

/**
 * Downloads a person's file: getFile for its path, then
 * `<apiRoot>/file/bot<token>/<path>`, reading no more than `maxBytes`.
 * Null when it is larger (announced, refused by Telegram, or found while reading).
 */
export function telegramFiles(api: Api, apiRoot: string, token: string, maxBytes: number): TelegramFiles {
  return {
    maxBytes,
    async download(fileId, max) {
      let file;
      try {
        file = await api.getFile(fileId);
      } catch (error) {
        // Bots may download at most 20 MB; Telegram says so instead of giving a path.
        if (error instanceof GrammyError && /too big/i.test(error.description)) return null;
        throw error;
      }
      if ((file.file_size ?? 0) > max) return null;
      if (!file.file_path) throw new Error('Telegram gave no file path');
      const response = await fetch(`${apiRoot}/file/bot${token}/${file.file_path}`);
      // The address holds the token: only the status is reported.
      if (!response.ok || !response.body) throw new Error(`Telegram file download failed with HTTP ${response.status}`);
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        size += chunk.length;
        if (size > max) {
          await response.body.cancel().catch(() => undefined);
          return null;
        }
        chunks.push(chunk);
      }
      return new Uint8Array(Buffer.concat(chunks));
    },
  };
}
