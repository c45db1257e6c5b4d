import { msg } from '../messages.js';
import type { Answer, Flow, FlowContext, PromptSpec, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { parseLocalDateTime } from '../calls/local-time.js';
import { resolvePlace } from '../calls/post-call.js';
import { DEFAULT_MODERATION, TOPICS } from '../moderation/settings.js';
import { itemRef } from '../moderation/submissions.js';
import { actorOf, refuse } from '../roles/access.js';
import { authorize } from '../roles/authorization.js';
import { postAction, postBoardItem, type BoardInput } from './board-items.js';
import { itemMessage } from './board-view.js';
import { BOARD_KINDS, isBoardKind, type BoardFields, type BoardKind } from './ports.js';

export const POST = 'board-post';

const STEPS: Record<BoardKind, readonly string[]> = {
  event: ['title', 'body', 'topic', 'starts', 'ends', 'place', 'organiser', 'capacity', 'confirm'],
  training: ['title', 'body', 'topic', 'starts', 'ends', 'place', 'organiser', 'capacity', 'confirm'],
  need: ['title', 'body', 'topic', 'quantity', 'place', 'until', 'confirm'],
  offer: ['title', 'body', 'topic', 'organiser', 'place', 'confirm'],
};
const MAX_CAPACITY = 10_000;

/** A draft keeps dates as ISO text: conversation state is JSON. */
type Draft = { kind?: BoardKind } & Partial<Record<'title' | 'body' | 'topic' | 'startsAt' | 'endsAt' | 'placeName' | 'organiser' | 'quantity' | 'until', string>> & { lat?: number; lon?: number; capacity?: number };

const draftOf = (ctx: FlowContext) => (ctx.state.data ?? {}) as Draft;
const go = (step: string, draft: Draft): Transition => ({ next: { flow: POST, step, data: draft as Record<string, unknown> } });
const toMenu = (...messages: Transition['messages'] & object): Transition => ({ messages, next: { flow: 'menu', step: 'main' } });

async function allowedKinds(ctx: FlowContext): Promise<BoardKind[]> {
  if (!ctx.person) return [];
  const actor = await actorOf(ctx.repos, ctx.person);
  return BOARD_KINDS.filter((k) => authorize(actor, postAction(k), { regionId: ctx.region.id }));
}

/** `/post`: an event, a training, a donation need or an offer, for review like every submission. */
export async function startPost(ctx: FlowContext): Promise<Transition> {
  if (!(await allowedKinds(ctx)).length) return (await refuse(ctx, 'board.event.post'))!;
  return go('kind', {});
}

function fields(d: Draft): BoardFields {
  const date = (v?: string) => (v ? new Date(v) : null);
  return { startsAt: date(d.startsAt), endsAt: date(d.endsAt), placeName: d.placeName ?? null, lat: d.lat ?? null, lon: d.lon ?? null, organiser: d.organiser ?? null, capacity: d.capacity ?? null, quantity: d.quantity ?? null, until: date(d.until) };
}

const back = { value: 'back', label: msg('board:back') };

async function ask(ctx: FlowContext): Promise<PromptSpec> {
  const d = draftOf(ctx);
  const step = ctx.state.step;
  if (step === 'kind') return { text: msg('board:post.ask.kind'), choices: [...(await allowedKinds(ctx)).map((k) => ({ value: k, label: msg(`moderation:kind.${k}`) })), back] };
  if (step === 'topic') return { text: msg('moderation:submit.ask.topic'), choices: TOPICS.map((t) => ({ value: t, label: msg(`moderation:topic.${t}`) })) };
  if (step === 'confirm') {
    return {
      text: msg('board:post.summary', { item: itemMessage(d.kind!, { ...fields(d), title: d.title!, body: d.body!, topic: d.topic ?? null }, ctx.region.timeZone) }),
      choices: [
        { value: 'send', label: msg('moderation:submit.send') },
        { value: 'discard', label: msg('moderation:submit.discard') },
      ],
    };
  }
  const key = step === 'title' || step === 'body' || step === 'organiser' || step === 'place' ? `board:post.ask.${step}.${d.kind}` : `board:post.ask.${step}`;
  const input = step === 'body' ? 'long-text' : step === 'place' ? 'place' : step === 'capacity' ? 'number' : 'text';
  return { text: msg(key), input, choices: [back] };
}

/** Checks one answer into the draft; a message when it does not fit. */
function take(ctx: FlowContext, d: Draft, step: string, text: string, choice: string | undefined) {
  const tz = ctx.region.timeZone;
  const now = ctx.services.now();
  switch (step) {
    case 'title':
      if (text.length < 3 || text.length > 120) return msg('moderation:submit.invalid.title', { min: 3, max: 120 });
      d.title = text;
      return null;
    case 'body':
      if (text.length < 10 || text.length > 2000) return msg('moderation:submit.invalid.body', { min: 10, max: 2000 });
      d.body = text;
      return null;
    case 'topic':
      if (!choice || !(TOPICS as readonly string[]).includes(choice)) return msg('conversation:pickOne');
      d.topic = choice;
      return null;
    case 'starts': {
      const at = parseLocalDateTime(text, tz, now);
      if (!at) return msg('board:invalid.dateTime');
      if (at <= now) return msg('board:invalid.past');
      d.startsAt = at.toISOString();
      return null;
    }
    case 'ends': {
      const start = new Date(d.startsAt!);
      // A time alone ("20:00") is on the day of the start, in the region's time zone.
      const day = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(start);
      const at = /^\d{1,2}[:.]\d{2}$/.test(text) ? parseLocalDateTime(`${day} ${text.replace('.', ':')}`, tz, now) : parseLocalDateTime(text, tz, now);
      if (!at) return msg('board:invalid.dateTime');
      if (at <= start) return msg('board:invalid.endBeforeStart');
      if (at.getTime() - start.getTime() > 14 * 24 * 3600_000) return msg('board:invalid.tooLong', { days: 14 });
      d.endsAt = at.toISOString();
      return null;
    }
    case 'place': {
      const place = text.length >= 2 && text.length <= 200 ? resolvePlace(ctx.services.places, text) : null;
      if (!place) return msg('calls:invalid.place', { query: text });
      Object.assign(d, { placeName: text, lat: place.lat, lon: place.lon });
      return null;
    }
    case 'organiser':
      if (text.length < 2 || text.length > 120) return msg('board:invalid.organiser', { min: 2, max: 120 });
      d.organiser = text;
      return null;
    case 'capacity': {
      const n = Number(text);
      if (!Number.isInteger(n) || n < 1 || n > MAX_CAPACITY) return msg('board:invalid.capacity', { min: 1, max: MAX_CAPACITY });
      d.capacity = n;
      return null;
    }
    case 'quantity':
      if (text.length < 1 || text.length > 60) return msg('board:invalid.quantity', { min: 1, max: 60 });
      d.quantity = text;
      return null;
    case 'until': {
      // A date alone means the end of that day.
      const withTime = /\s\d{1,2}[:.]\d{2}\s*(uhr|h)?$/i.test(text);
      const at = parseLocalDateTime(withTime ? text : `${text} 23:59`, tz, now);
      if (!at) return msg('board:invalid.date');
      if (at <= now) return msg('board:invalid.past');
      d.until = at.toISOString();
      return null;
    }
  }
  return msg('conversation:pickOne');
}

async function answer(ctx: FlowContext, a: Answer): Promise<Transition> {
  const d = { ...draftOf(ctx) };
  const step = ctx.state.step;
  const choice = a.type === 'choice' ? a.values[0] : undefined;
  const text = a.type === 'text' ? a.text.trim() : '';
  if (choice === 'back') return toMenu(msg('moderation:submit.discarded'));
  if (step === 'kind') {
    if (!isBoardKind(choice)) return stay(ctx, msg('conversation:pickOne'));
    if (!(await allowedKinds(ctx)).includes(choice)) return (await refuse(ctx, postAction(choice)))!;
    return go('title', { kind: choice });
  }
  const steps = STEPS[d.kind!];
  if (step === 'confirm') {
    if (choice === 'discard') return toMenu(msg('moderation:submit.discarded'));
    if (choice !== 'send') return stay(ctx, msg('conversation:pickOne'));
    const id = ctx.services.newId();
    const input: BoardInput = { kind: d.kind!, title: d.title!, body: d.body!, topic: d.topic!, language: ctx.locale, ...fields(d) };
    const outcome = await postBoardItem(ctx.repos, ctx.person!, input, (ctx.services.moderation ?? DEFAULT_MODERATION).wordLists, ctx.services.now(), id);
    if (outcome === 'not-allowed') return (await refuse(ctx, postAction(d.kind!))) ?? toMenu();
    return toMenu(msg('moderation:submit.sent', { title: d.title!, ref: itemRef(id) }));
  }
  const problem = take(ctx, d, step, text, choice);
  if (problem) return stay(ctx, problem);
  return go(steps[steps.indexOf(step) + 1] ?? 'confirm', d);
}

export const postFlow: Flow = { id: POST, forRegistered: true, ask, answer };
