import { loadResources } from '../../app/i18n.js';
import { isolate } from '../../core/index.js';

const resources = loadResources();

/**
 * The raw text of a key in one language, with `{{placeholders}}` filled from
 * `params` and any remaining ones cut off, so tests can compare against what
 * the person must see without repeating sentences.
 */
export function text(locale: string, key: string, params: Record<string, string> = {}): string {
  const [ns, path] = key.split(':') as [string, string];
  let value: unknown = resources[locale]?.[ns];
  for (const part of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
  if (typeof value !== 'string') throw new Error(`No text ${locale}/${key}`);
  // Values written by people are isolated in right-to-left text, as the renderer does.
  return value.replace(/\{\{(\w+)\}\}/g, (_, name: string) => (params[name] !== undefined ? isolate(locale, params[name]) : `{{${name}}}`));
}

/** The text before its first placeholder: enough to recognise a message with parameters. */
export function opening(locale: string, key: string): string {
  return text(locale, key).split('{{')[0]!;
}
