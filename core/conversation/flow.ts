import type { Msg } from '../messages.js';
import type { Person } from '../people/person.js';
import type { Region } from '../regions/region.js';
import type { Repositories } from '../store.js';
import type { Place, PlaceResolver } from '../geo/index.js';
import type { ConversationState } from './state.js';
import type { Attachment, IncomingEvent, Prompt } from './types.js';
import type { ModerationSettings } from '../moderation/settings.js';
import type { AttachmentSettings } from '../attachments/settings.js';
import type { CleanImage } from '../attachments/received.js';

/** A language the interface is offered in. */
export interface LocaleInfo {
  code: string;
  /** The language's name in itself ("Deutsch", "العربية"). */
  nativeName: string;
  dir: 'ltr' | 'rtl';
}

/** Everything a flow may use besides storage; built once by the composition root. */
/** Offline place lookup: by name or postcode, and the nearest known place to a shared location. */
export interface PlaceLookup extends PlaceResolver {
  nearest(lat: number, lon: number): Place | undefined;
}

export interface ConversationServices {
  places: PlaceLookup;
  locales: LocaleInfo[];
  defaultLocale: string;
  /** Renders a message as plain text; used to match typed answers against choice labels. */
  render(locale: string, message: Msg): string;
  now(): Date;
  newId(): string;
  /** The address people open (`PUBLIC_URL`, no trailing slash), for links such as the calendar feed. */
  publicUrl?: string;
  /** Role requests and pre-check word lists; defaults apply without. */
  moderation?: ModerationSettings;
  /** The board of events, trainings, needs and offers; defaults apply without. */
  board?: { nearKm: number; reminderHours: number };
  /** Photo limits and which channels take photos; without, no flow asks for one. */
  attachments?: AttachmentSettings;
}

export interface FlowContext {
  event: IncomingEvent;
  repos: Repositories;
  services: ConversationServices;
  person: Person | null;
  locale: string;
  state: ConversationState;
  region: Region;
}

export type PromptSpec = Omit<Prompt, 'token'>;

/** An answer to the current question, after typed text was matched against the choices. */
export type Answer =
  | { type: 'text'; text: string }
  | { type: 'choice'; values: string[] }
  | { type: 'location'; lat: number; lon: number }
  | { type: 'contact'; phone: string }
  /** A photo, checked (type, size) and with its metadata removed. */
  | { type: 'image'; image: CleanImage };

export interface Transition {
  messages?: Msg[];
  /** Where the conversation goes next; a new question token is issued when flow or step changes. */
  next: { flow: string; step: string; data?: Record<string, unknown> };
  /** A new interface language chosen by the person. */
  locale?: string;
  attachment?: Attachment;
}

/**
 * A conversation written once for every channel. `ask` describes the question
 * of the current step; `answer` validates an answer and says where to go.
 */
export interface Flow {
  id: string;
  /** Only a registered person can be here; without one the conversation starts over. */
  forRegistered?: boolean;
  ask(ctx: FlowContext): Promise<PromptSpec> | PromptSpec;
  answer(ctx: FlowContext, answer: Answer): Promise<Transition> | Transition;
}

/** Stay on the same step with an explanation (a validation error). */
export function stay(ctx: FlowContext, ...messages: Msg[]): Transition {
  return { messages, next: { flow: ctx.state.flow, step: ctx.state.step, data: ctx.state.data } };
}
