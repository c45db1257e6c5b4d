import { CALL_MANAGE_TOKEN, type CallForm, type CallFormField, type Choice, type LocaleInfo, type Msg, type TurnResult } from '../../core/index.js';

export interface Renderer {
  locales: LocaleInfo[];
  render(locale: string, message: Msg): string;
}

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** What a card's button carries back, under `data` (Action.Submit) or `data` with a verb (Action.Execute). */
export type CardData =
  | { hr: 'choice'; token: string; value: string }
  | { hr: 'answer'; token: string; hrText?: string; hrValues?: string }
  | ({ hr: 'call-form'; formId: string } & Record<string, string>);

export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard'; body: unknown[]; actions?: unknown[] };

/** A message activity as Bot Framework sends it (the fields this adapter sets). */
export interface OutgoingActivity {
  type: 'message';
  text?: string;
  textFormat?: 'plain';
  locale: string;
  attachments?: { contentType: string; content: unknown }[];
}

function isRtl(renderer: Renderer, locale: string): boolean {
  return renderer.locales.find((l) => l.code === locale)?.dir === 'rtl';
}

function card(renderer: Renderer, locale: string, body: unknown[], actions: unknown[]): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    // 1.5: right-to-left cards (Arabic, Persian) and Action.Execute; the highest version Teams renders.
    version: '1.5',
    ...(isRtl(renderer, locale) ? { rtl: true } : {}),
    body,
    ...(actions.length ? { actions } : {}),
  };
}

/** One TextBlock per line: Teams shows a line break inside a TextBlock inconsistently. */
function textBlocks(text: string, extra: Record<string, unknown> = {}): unknown[] {
  return text.split('\n').map((line, i) => ({ type: 'TextBlock', text: line || ' ', wrap: true, ...(i === 0 ? extra : { spacing: 'None' }) }));
}

function label(renderer: Renderer, locale: string, choice: Choice): string {
  return 'key' in choice.label ? renderer.render(locale, choice.label) : choice.label.text;
}

/**
 * A turn as one Teams message: plain text when there is nothing to answer,
 * otherwise an Adaptive Card with the texts, the question and its widgets:
 * buttons for choices, a multi-select for several, a text field for free
 * text. Buttons that manage a call are Universal Actions (Action.Execute), so
 * Teams can show the refreshed status card in the same round trip.
 */
export function renderTurn(renderer: Renderer, turn: TurnResult, options: { card?: boolean } = {}): OutgoingActivity {
  const { locale } = turn;
  const t = (m: Msg) => renderer.render(locale, m);
  const texts = turn.messages.map(t);
  if (turn.attachment) texts.push(t({ key: 'teams:noFiles', params: { filename: turn.attachment.filename } }));
  const prompt = turn.prompt;
  // Photos are not shown in Teams yet (a card holds about 28 KB): the moderator or reader is told there is one.
  if (prompt?.image) texts.push(t({ key: 'attachments:notShown', params: { caption: prompt.image.caption } }));
  const widgets = prompt && ((prompt.choices?.length ?? 0) > 0 || prompt.input !== undefined);
  if (!prompt || !widgets) {
    const all = [...texts, ...(prompt ? [t(prompt.text)] : [])];
    // A card stays a card (e.g. a closed call's status, shown where its card with buttons was).
    if (options.card) return { type: 'message', locale, attachments: [{ contentType: ADAPTIVE_CARD, content: card(renderer, locale, all.flatMap((text) => textBlocks(text, { spacing: 'Medium' })), []) }] };
    return { type: 'message', text: all.join('\n\n'), textFormat: 'plain', locale };
  }
  const execute = prompt.token.startsWith(CALL_MANAGE_TOKEN);
  const body: unknown[] = [...texts.flatMap((text) => [...textBlocks(text, { spacing: 'Medium' })]), ...textBlocks(t(prompt.text), { spacing: 'Medium', weight: 'Bolder' })];
  const actions: unknown[] = [];
  const choices = prompt.choices ?? [];
  if (prompt.multiple) {
    body.push({
      type: 'Input.ChoiceSet',
      id: 'hrValues',
      isMultiSelect: true,
      style: 'expanded',
      value: choices.filter((c) => c.selected).map((c) => c.value).join(','),
      choices: choices.map((c) => ({ title: label(renderer, locale, c), value: c.value })),
    });
    actions.push(submit(t({ key: 'teams:done' }), { hr: 'answer', token: prompt.token }, false));
  } else {
    // Beside a text field a choice (Back, Skip, Cancel) neither needs nor checks what was typed.
    const alone = prompt.input !== undefined ? { associatedInputs: 'none' } : {};
    for (const c of choices) actions.push({ ...submit(label(renderer, locale, c), { hr: 'choice', token: prompt.token, value: c.value }, execute), ...alone });
  }
  if (prompt.input !== undefined && !prompt.multiple) {
    body.push({
      type: 'Input.Text',
      id: 'hrText',
      label: t({ key: 'teams:answerLabel' }),
      // Teams checks this before it sends: Send with an empty field would only earn a "pick one" anyway.
      isRequired: true,
      errorMessage: t({ key: 'teams:answerRequired' }),
      ...(prompt.input === 'long-text' ? { isMultiline: true } : {}),
      ...(prompt.input === 'email' ? { style: 'Email' } : prompt.input === 'tel' ? { style: 'Tel' } : {}),
      maxLength: 4000,
    });
    actions.unshift(submit(t({ key: 'teams:send' }), { hr: 'answer', token: prompt.token }, false));
  } else if (prompt.input !== undefined) {
    body.push({ type: 'Input.Text', id: 'hrText', label: t({ key: 'teams:answerLabel' }), maxLength: 4000 });
  }
  return { type: 'message', locale, attachments: [{ contentType: ADAPTIVE_CARD, content: card(renderer, locale, body, actions) }] };
}

function submit(title: string, data: CardData, execute: boolean) {
  return execute ? { type: 'Action.Execute', title, verb: `hr.${data.hr}`, data } : { type: 'Action.Submit', title, data };
}

/** The call form as an Adaptive Card, with each problem in red under its field. */
export function renderCallForm(renderer: Renderer, form: CallForm): OutgoingActivity {
  const { locale } = form;
  const t = (m: Msg) => renderer.render(locale, m);
  const body: unknown[] = [{ type: 'TextBlock', text: t(form.title), size: 'Large', weight: 'Bolder', wrap: true }];
  for (const problem of form.problems) body.push({ type: 'TextBlock', text: t(problem), color: 'Attention', wrap: true });
  for (const field of form.fields) {
    body.push(input(renderer, locale, field));
    for (const problem of field.problems) body.push({ type: 'TextBlock', text: t(problem), color: 'Attention', wrap: true, spacing: 'None', size: 'Small' });
  }
  const actions = [{ type: 'Action.Submit', title: t(form.submit), style: 'positive', data: { hr: 'call-form', formId: form.formId } }];
  return { type: 'message', locale, attachments: [{ contentType: ADAPTIVE_CARD, content: card(renderer, locale, body, actions) }] };
}

function input(renderer: Renderer, locale: string, field: CallFormField): Record<string, unknown> {
  const common = {
    id: field.name,
    label: renderer.render(locale, field.label),
    isRequired: field.required,
    ...(field.value !== undefined ? { value: field.value } : {}),
  };
  const choices = (field.choices ?? []).map((c) => ({ title: label(renderer, locale, c), value: c.value }));
  switch (field.kind) {
    case 'choice':
      return { type: 'Input.ChoiceSet', ...common, style: 'compact', choices };
    case 'multi-choice':
      return { type: 'Input.ChoiceSet', ...common, isMultiSelect: true, style: 'compact', choices };
    case 'date':
      return { type: 'Input.Date', ...common };
    case 'time':
      return { type: 'Input.Time', ...common };
    case 'number':
      return { type: 'Input.Number', ...common, min: 1, max: 200 };
    case 'long-text':
      return { type: 'Input.Text', ...common, isMultiline: true, maxLength: 2000 };
    case 'text':
      return { type: 'Input.Text', ...common, maxLength: 200 };
  }
}
