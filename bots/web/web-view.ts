import type { LocaleInfo, Msg, TurnResult } from '../../core/index.js';

export interface Renderer {
  locales: LocaleInfo[];
  render(locale: string, message: Msg): string;
}

const UI_KEYS = ['title', 'send', 'done', 'shareLocation', 'answerLabel', 'download', 'working', 'retry', 'choicesLabel', 'skipToAnswer', 'locationUnavailable', 'you'] as const;
const PHOTO_UI_KEYS = ['attach', 'uploading'] as const;

/** The words of the page itself in one language. */
export function uiStrings(renderer: Renderer, locale: string): Record<string, string> {
  return {
    ...Object.fromEntries(UI_KEYS.map((k) => [k, renderer.render(locale, { key: `web:${k}` })])),
    ...Object.fromEntries(PHOTO_UI_KEYS.map((k) => [`photo.${k}`, renderer.render(locale, { key: `attachments:web.${k}` })])),
  };
}

export function direction(renderer: Renderer, locale: string): 'ltr' | 'rtl' {
  return renderer.locales.find((l) => l.code === locale)?.dir ?? 'ltr';
}

/** A turn as the page shows it: every text rendered in the person's language. */
export function webView(renderer: Renderer, turn: TurnResult) {
  const { locale } = turn;
  const text = (m: Msg) => renderer.render(locale, m);
  const prompt = turn.prompt;
  return {
    locale,
    dir: direction(renderer, locale),
    ui: uiStrings(renderer, locale),
    messages: turn.messages.map((m) => ({ text: text(m) })),
    prompt: prompt ? {
      token: prompt.token,
      text: text(prompt.text),
      choices: (prompt.choices ?? []).map((c) => ({
        value: c.value,
        label: 'key' in c.label ? text(c.label) : c.label.text,
        ...('lang' in c.label && c.label.lang ? { lang: c.label.lang, dir: direction(renderer, c.label.lang) } : {}),
        selected: c.selected ?? false,
      })),
      multiple: prompt.multiple ?? false,
      input: prompt.input ?? null,
      acceptsLocation: prompt.acceptsLocation ?? false,
      acceptsImage: prompt.acceptsImage ?? false,
    } : null,
    attachment: turn.attachment ?? null,
    // A photo is fetched by the page from its own address, which only people allowed to see it can open.
    image: prompt?.image ? { url: `/api/web/attachments/${prompt.image.id}`, alt: text(prompt.image.caption), mediaType: prompt.image.mediaType } : null,
  };
}
