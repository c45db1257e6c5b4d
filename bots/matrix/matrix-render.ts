import type { Msg, Prompt, TurnResult } from '../../core/index.js';

/** Renders a core message in one language (app/i18n.ts implements it). */
export interface Renderer {
  render(locale: string, message: Msg): string;
}

/**
 * The question a bot message asks, carried in the event itself: a reaction or a
 * reply to that message is read as an answer to exactly this question, on any
 * instance and after any restart, with no table to keep. Only the bot's own
 * events are trusted to carry it.
 */
export const PROMPT_FIELD = 'org.helferruf.prompt';

export interface PromptMarker {
  token: string;
  /** Reaction key (1️⃣, ✅, ...) to choice value. */
  reactions: Record<string, string>;
}

export interface NoticeContent {
  msgtype: 'm.notice';
  body: string;
  format: 'org.matrix.custom.html';
  formatted_body: string;
  [PROMPT_FIELD]?: PromptMarker;
}

const KEYCAPS = ['1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣', '6️⃣', '7️⃣', '8️⃣', '9️⃣', '🔟'];
export const YES = '✅';
export const NO = '❌';

/**
 * Which reactions answer a single-choice question: the keycap of each option's
 * number, and for a question with two options (accept or decline, agree or
 * not, confirm or give back: the first is always the yes) also ✅ and ❌.
 * Several answers at once are typed as numbers instead.
 */
export function reactionAnswers(prompt: Omit<Prompt, 'token'>): Record<string, string> {
  const choices = prompt.choices ?? [];
  if (prompt.multiple || choices.length === 0) return {};
  const reactions: Record<string, string> = {};
  choices.slice(0, KEYCAPS.length).forEach((c, i) => (reactions[KEYCAPS[i]!] = c.value));
  if (choices.length === 2) {
    reactions[YES] = choices[0]!.value;
    reactions[NO] = choices[1]!.value;
  }
  return reactions;
}

/** The reactions the bot adds to a question itself, so answering is one tap in the client. */
export function offeredReactions(prompt: Omit<Prompt, 'token'>): string[] {
  return !prompt.multiple && prompt.choices?.length === 2 ? [YES, NO] : [];
}

/**
 * Matrix clients treat a leading "/" as their own command, so commands are
 * typed with "!" here: "/profile" in a sentence becomes "!profile".
 */
export function matrixCommands(text: string): string {
  return text.replace(/(^|[\s(„"«])\/([a-z][a-z_]{1,20})\b/g, '$1!$2');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function html(text: string): string {
  return escapeHtml(text).replace(/\n/g, '<br>');
}

/**
 * One turn as one `m.notice`: the messages, then the question with its options
 * as a numbered list and a line on how to answer; HTML for clients that show
 * it and the same as plain text for those that do not.
 */
export function renderTurn(renderer: Renderer, turn: Pick<TurnResult, 'locale' | 'messages' | 'prompt'>): NoticeContent {
  const t = (m: Msg) => matrixCommands(renderer.render(turn.locale, m));
  const plain: string[] = [];
  const rich: string[] = [];
  for (const m of turn.messages) {
    const text = t(m);
    plain.push(text);
    rich.push(`<p>${html(text)}</p>`);
  }
  const prompt = turn.prompt;
  let marker: PromptMarker | undefined;
  if (prompt) {
    const question = t(prompt.text);
    plain.push(question);
    rich.push(`<p><strong>${html(question)}</strong></p>`);
    const choices = prompt.choices ?? [];
    if (choices.length) {
      const labels = choices.map((c) => `${'key' in c.label ? t(c.label) : c.label.text}${prompt.multiple && c.selected ? ' ✓' : ''}`);
      plain.push(labels.map((l, i) => `${i + 1}. ${l}`).join('\n'));
      rich.push(`<ol>${labels.map((l) => `<li>${html(l)}</li>`).join('')}</ol>`);
    }
    const hints: Msg[] = [];
    if (choices.length && prompt.multiple) hints.push({ key: 'matrix:hint.multiple' });
    else if (choices.length === 2) hints.push({ key: 'matrix:hint.yesNo' });
    else if (choices.length) hints.push({ key: 'matrix:hint.choice' });
    if (prompt.acceptsLocation) hints.push({ key: 'matrix:hint.location' });
    if (hints.length) {
      const hint = hints.map(t).join(' ');
      plain.push(hint);
      rich.push(`<p><em>${html(hint)}</em></p>`);
    }
    marker = { token: prompt.token, reactions: reactionAnswers(prompt) };
  }
  return {
    msgtype: 'm.notice',
    body: plain.join('\n\n'),
    format: 'org.matrix.custom.html',
    formatted_body: rich.join(''),
    ...(marker ? { [PROMPT_FIELD]: marker } : {}),
  };
}
