import { msg } from '../messages.js';
import type { Answer, Flow, FlowContext, PromptSpec, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { distanceKm } from '../geo/index.js';
import { PAGE_SIZE } from '../information/reading.js';
import { deniedMessage, actorOf } from '../roles/access.js';
import { cancelSignUp, contactOffer, DEFAULT_BOARD, markNeedMet, mayMarkMet, signUp, takesSignUps } from './board-items.js';
import { itemMessage, optionLabel } from './board-view.js';
import { isBoardKind, SIGN_UP_KINDS, type BoardEntry, type BoardKind } from './ports.js';

export const BOARD = 'board';
/** How many current items of a kind a listing looks at: a town's board, not an archive. */
const SCAN_LIMIT = 300;
const CONTACT_MIN = 10;
const CONTACT_MAX = 1000;

type Filter = 'all' | 'near';

/**
 * After signing up or cancelling, the item is shown again under another step
 * name: the engine issues a new question token, so a second tap on the old
 * button (a double tap, a slow connection) is stale and changes nothing.
 */
const AGAIN = 'again';

/**
 * Steps carry where the reader is (`list.<kind>.<filter>.<page>`, `item.<kind>.<filter>.<page>.<id>`),
 * so "back" returns to the same page and a button of an earlier question never acts on another item.
 */
interface Where {
  step: string;
  /** The item again, after an action on it (see {@link AGAIN}). */
  again?: boolean;
  kind: BoardKind;
  filter: Filter;
  page: number;
  id?: string;
}

function where(ctx: FlowContext): Where {
  const [raw, kind, filter, page, id] = ctx.state.step.split('.');
  const step = raw === AGAIN ? 'item' : raw!;
  return { step, again: raw === AGAIN, kind: isBoardKind(kind) ? kind : 'event', filter: filter === 'near' ? 'near' : 'all', page: Number(page) || 0, ...(id ? { id } : {}) };
}

const go = (step: string, w: Omit<Where, 'step' | 'again'>, ...messages: Transition['messages'] & object): Transition => ({
  messages,
  next: { flow: BOARD, step: [step, w.kind, w.filter, w.page, ...(w.id ? [w.id] : [])].join('.') },
});

const settings = (ctx: FlowContext) => ctx.services.board ?? DEFAULT_BOARD;

/** Where a person goes from the board: a refugee to /info, a volunteer to the menu, somebody new to the start. */
function leave(ctx: FlowContext, ...messages: Transition['messages'] & object): Transition {
  if (!ctx.person) return { messages, next: { flow: 'registration', step: 'language' } };
  return { messages, next: ctx.person.kind === 'refugee' ? { flow: 'info', step: 'home' } : { flow: 'menu', step: 'main' } };
}

/** `/events`, `/trainings`, `/needs`, `/offers` (`near` as argument: only those near the person's place). */
export function startListing(kind: BoardKind) {
  return (ctx: FlowContext): Transition => {
    const args = ctx.event.input.type === 'command' ? (ctx.event.input.args ?? '').trim().toLowerCase() : '';
    if (args === 'near' && !hasPlace(ctx)) return go('list', { kind, filter: 'all', page: 0 }, msg('board:near.noPlace'));
    return go('list', { kind, filter: args === 'near' ? 'near' : 'all', page: 0 });
  };
}

function hasPlace(ctx: FlowContext): boolean {
  return ctx.person?.lat != null && ctx.person?.lon != null;
}

/** The current items of a kind in the reader's region; near the person's place if asked, nearest first. */
async function listing(ctx: FlowContext, kind: BoardKind, filter: Filter): Promise<{ entry: BoardEntry; km?: number }[]> {
  const entries = await ctx.repos.board.current(ctx.person?.regionId ?? ctx.region.id, kind, ctx.services.now(), SCAN_LIMIT);
  if (filter === 'all' || !hasPlace(ctx)) return entries.map((entry) => ({ entry }));
  const home = { lat: ctx.person!.lat!, lon: ctx.person!.lon! };
  return entries
    .filter((e) => e.lat !== null && e.lon !== null)
    .map((entry) => ({ entry, km: distanceKm(home, { lat: entry.lat!, lon: entry.lon! }) }))
    .filter((e) => e.km <= settings(ctx).nearKm)
    .sort((a, b) => a.km - b.km);
}

async function askList(ctx: FlowContext, w: Where): Promise<PromptSpec> {
  const items = await listing(ctx, w.kind, w.filter);
  const plural = msg(`board:plural.${w.kind}`);
  const km = settings(ctx).nearKm;
  const toggle = w.filter === 'near' ? { value: 'all', label: msg('board:all') } : { value: 'near', label: msg('board:near.button', { km }) };
  const back = { value: 'back', label: msg('board:back') };
  if (!items.length) return { text: msg(w.filter === 'near' ? 'board:list.noneNear' : 'board:list.none', { kind: plural, km }), choices: [toggle, back] };
  const shown = items.slice(w.page * PAGE_SIZE, (w.page + 1) * PAGE_SIZE);
  const choices: NonNullable<PromptSpec['choices']> = shown.map(({ entry, km: d }) => ({ value: `i:${entry.submissionId}`, label: optionLabel(entry, ctx.region.timeZone, d) }));
  if (items.length > (w.page + 1) * PAGE_SIZE) choices.push({ value: 'more', label: msg('board:more') });
  return { text: msg(w.filter === 'near' ? 'board:list.headerNear' : 'board:list.header', { kind: plural, count: items.length, km }), choices: [...choices, toggle, back] };
}

async function askItem(ctx: FlowContext, w: Where): Promise<PromptSpec> {
  const entry = await ctx.repos.board.find(w.id!);
  const back = { value: 'back', label: msg('board:back') };
  if (!entry || entry.status !== 'published' || entry.regionId !== (ctx.person?.regionId ?? ctx.region.id)) return { text: msg('board:gone'), choices: [back] };
  const choices: NonNullable<PromptSpec['choices']> = [];
  if (SIGN_UP_KINDS.includes(entry.kind) && takesSignUps(entry, ctx.services.now())) {
    const signedUp = ctx.person ? await ctx.repos.board.isSignedUp(entry.submissionId, ctx.person.id) : false;
    choices.push(signedUp ? { value: 'cancel', label: msg('board:signup.cancelButton') } : { value: 'signup', label: msg('board:signup.button') });
  }
  if (entry.kind === 'need' && ctx.person && (await mayMarkMet(ctx.repos, ctx.person, entry))) choices.push({ value: 'met', label: msg('board:met.button') });
  if (entry.kind === 'offer' && entry.authorId && entry.authorId !== ctx.person?.id) choices.push({ value: 'contact', label: msg('board:contact.button') });
  return { text: itemMessage(entry.kind, entry, ctx.region.timeZone), choices: [...choices, back] };
}

export const boardFlow: Flow = {
  id: BOARD,
  async ask(ctx): Promise<PromptSpec> {
    const w = where(ctx);
    if (w.step === 'item') return askItem(ctx, w);
    if (w.step === 'contact') return { text: msg('board:contact.ask'), input: 'long-text', choices: [{ value: 'back', label: msg('board:back') }] };
    return askList(ctx, w);
  },
  async answer(ctx, answer): Promise<Transition> {
    const w = where(ctx);
    const value = answer.type === 'choice' ? answer.values[0] : undefined;
    if (w.step === 'list') return answerList(ctx, w, value);
    if (w.step === 'item') return answerItem(ctx, w, value);
    if (w.step === 'contact') return answerContact(ctx, w, answer, value);
    return leave(ctx);
  },
};

function answerList(ctx: FlowContext, w: Where, value: string | undefined): Transition {
  const at = { kind: w.kind, filter: w.filter, page: w.page };
  if (value === 'back') return leave(ctx);
  if (value === 'more') return go('list', { ...at, page: w.page + 1 });
  if (value === 'all') return go('list', { ...at, filter: 'all', page: 0 });
  // A refugee gives no place at all, and a volunteer may have none: they are told, and see everything.
  if (value === 'near') return hasPlace(ctx) ? go('list', { ...at, filter: 'near', page: 0 }) : stay(ctx, msg('board:near.noPlace'));
  if (value?.startsWith('i:')) return go('item', { ...at, id: value.slice(2) });
  return stay(ctx, msg('conversation:pickOne'));
}

async function answerItem(ctx: FlowContext, w: Where, value: string | undefined): Promise<Transition> {
  const list = { kind: w.kind, filter: w.filter, page: w.page };
  const here = { ...list, id: w.id! };
  const again = w.again ? 'item' : AGAIN;
  if (value === 'back') return go('list', list);
  if (!value || !['signup', 'cancel', 'met', 'contact'].includes(value)) return stay(ctx, msg('conversation:pickOne'));
  // Reading needs no account; acting does (a refugee's /info profile is one).
  if (!ctx.person) return stay(ctx, msg('board:needsProfile'));
  const now = ctx.services.now();
  if (value === 'signup') {
    const outcome = await signUp(ctx.repos, ctx.person, w.id!, now, settings(ctx).reminderHours);
    if (outcome === 'not-allowed') return stay(ctx, deniedMessage(await actorOf(ctx.repos, ctx.person), 'board.signup'));
    const entry = await ctx.repos.board.find(w.id!);
    if (outcome === 'signed-up') return go(again, here, msg('board:signup.done', { title: entry!.title, when: { dateTime: entry!.startsAt!, until: entry!.endsAt!, timeZone: ctx.region.timeZone }, hours: settings(ctx).reminderHours }));
    if (outcome === 'already') return go(again, here, msg('board:signup.already'));
    if (outcome === 'full') return go(again, here, msg('board:signup.full'));
    return go('list', list, msg('board:gone'));
  }
  if (value === 'cancel') return go(again, here, msg((await cancelSignUp(ctx.repos, ctx.person, w.id!)) ? 'board:signup.cancelled' : 'board:signup.notSignedUp'));
  if (value === 'met') {
    const outcome = await markNeedMet(ctx.repos, ctx.person, w.id!, now);
    if (outcome === 'not-allowed') return stay(ctx, deniedMessage(await actorOf(ctx.repos, ctx.person), 'board.need.met'));
    return go('list', list, msg(outcome === 'met' ? 'board:met.done' : outcome === 'already' ? 'board:met.already' : 'board:gone'));
  }
  return go('contact', here);
}

async function answerContact(ctx: FlowContext, w: Where, answer: Answer, value: string | undefined): Promise<Transition> {
  const here = { kind: w.kind, filter: w.filter, page: w.page, id: w.id! };
  if (value === 'back') return go('item', here);
  if (!ctx.person) return go('item', here, msg('board:needsProfile'));
  const text = answer.type === 'text' ? answer.text.trim() : '';
  if (text.length < CONTACT_MIN || text.length > CONTACT_MAX) return stay(ctx, msg('board:contact.invalid', { min: CONTACT_MIN, max: CONTACT_MAX }));
  const outcome = await contactOffer(ctx.repos, ctx.person, w.id!, text, ctx.services.newId());
  if (outcome === 'not-allowed') return go('item', here, deniedMessage(await actorOf(ctx.repos, ctx.person), 'board.contact'));
  return go('item', here, msg(outcome === 'sent' ? 'board:contact.sent' : 'board:gone'));
}
