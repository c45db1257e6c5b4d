import type { Msg } from '../messages.js';

/**
 * What a person did, in one shape for every channel. An adapter maps its raw
 * update to this and nothing else.
 */
export interface IncomingEvent {
  channel: string;
  /** The channel's stable id of the conversation (chat id, room id, session hash). */
  address: string;
  /** Unique per user action; a replayed event with a known id is never applied twice. */
  eventId: string;
  /** The channel's hint of the person's language (browser, Telegram or Teams setting). */
  localeHint?: string;
  /** The region an entry point belongs to (e.g. `?region=` on the web chat, a deep-link payload). */
  regionHint?: string;
  input: Input;
}

export type Input =
  /** The conversation was opened or re-opened; shows where the person left off. */
  | { type: 'open' }
  | { type: 'text'; text: string; token?: string }
  | { type: 'choice'; token: string; values: string[] }
  | { type: 'location'; lat: number; lon: number; token?: string }
  | { type: 'contact'; phone: string; token?: string }
  | { type: 'command'; command: string; args?: string }
  /** A file the person sent (a photo); the core checks its size and type and cleans it. */
  | { type: 'file'; file: ReceivedFile; token?: string };

/**
 * A file as a channel received it: the bytes themselves (web upload), or a
 * way to fetch them from the channel (Telegram's getFile, Matrix media, a
 * Teams contentUrl) that the core calls only when the size allows.
 */
export interface ReceivedFile {
  /** The size the channel announced before any download, if it did. */
  size?: number;
  /** What the sender's client claimed; the bytes decide. */
  mediaType?: string;
  bytes?: Uint8Array;
  /** Downloads the file, reading at most `maxBytes`; null when it is larger. */
  fetch?(maxBytes: number): Promise<Uint8Array | null>;
}

/** A stored photo shown with a question (the item under review, a published item). Adapters load it by id. */
export interface ImageRef {
  id: string;
  mediaType: string;
  size: number;
  caption: Msg;
}

/** One option of a question. Labels are messages, or text shown as written (e.g. a language's own name). */
export interface Choice {
  value: string;
  label: Msg | { text: string; lang?: string };
  selected?: boolean;
}

/** How a free-text answer is best entered, so a channel can pick a suitable widget. */
export type InputKind = 'text' | 'email' | 'tel' | 'number' | 'place' | 'long-text';

/**
 * The question a conversation is waiting on. Channels render `choices` as
 * buttons where they can, as a numbered list where they cannot.
 */
export interface Prompt {
  /** Changes with every question; an answer carrying an older token is stale. */
  token: string;
  text: Msg;
  choices?: Choice[];
  /** Several choices may be selected; `done` confirms them. */
  multiple?: boolean;
  /** Free text is accepted as an answer. */
  input?: InputKind;
  /** A shared location is accepted as an answer. */
  acceptsLocation?: boolean;
  /** Sharing a phone number (contact) is accepted as an answer. */
  acceptsContact?: boolean;
  /** A photo is accepted as an answer (only asked where the channel has the `images` capability). */
  acceptsImage?: boolean;
  /** A photo that belongs to the question, shown with it. */
  image?: ImageRef;
}

/** A file for the person to keep (e.g. the data export). */
export interface Attachment {
  filename: string;
  mediaType: string;
  content: string;
}

/** The core's answer to one event. */
export interface TurnResult {
  /** The language everything here is to be rendered in. */
  locale: string;
  messages: Msg[];
  prompt?: Prompt;
  attachment?: Attachment;
}
