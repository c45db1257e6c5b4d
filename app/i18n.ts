import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n } from 'i18next';
import { renderMessage, type LocaleInfo, type Msg, type Translate } from '../core/index.js';
import { projectPath } from './paths.js';

export interface Translations {
  locales: LocaleInfo[];
  translate: Translate;
  render(locale: string, message: Msg, options?: { timeZone?: string }): string;
  /** Every key, flattened, per locale: for completeness checks. */
  resources: Record<string, Record<string, unknown>>;
}

/** Loads `locales/<lang>/<namespace>.json` for every language folder. */
export function loadResources(dir = projectPath('locales')): Record<string, Record<string, unknown>> {
  const resources: Record<string, Record<string, unknown>> = {};
  for (const lang of readdirSync(dir).sort()) {
    if (!statSync(join(dir, lang)).isDirectory()) continue;
    resources[lang] = {};
    for (const file of readdirSync(join(dir, lang)).filter((f) => f.endsWith('.json'))) {
      resources[lang][file.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(dir, lang, file), 'utf8'));
    }
  }
  return resources;
}

/**
 * i18next bound to the project's locales. Messages are rendered per
 * recipient; a key missing in one language falls back to English, then German
 * (a test keeps that from happening).
 */
export async function createTranslations(fallback: string, dir?: string): Promise<Translations> {
  const resources = loadResources(dir);
  const instance: i18n = i18next.createInstance();
  await instance.init({
    resources: resources as never,
    fallbackLng: [fallback, 'en', 'de'].filter((v, i, a) => a.indexOf(v) === i && resources[v]),
    ns: Object.keys(resources.en ?? resources[fallback] ?? {}),
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  } as never);
  const translate: Translate = (locale, key, params) => instance.t(key, { ...params, lng: locale }) as string;
  const locales: LocaleInfo[] = Object.keys(resources).map((code) => ({
    code,
    nativeName: instance.t('common:language.nativeName', { lng: code }) as string,
    dir: instance.t('common:language.dir', { lng: code }) === 'rtl' ? 'rtl' : 'ltr',
  }));
  // Offer the default language first, the others in a stable order.
  locales.sort((a, b) => (a.code === fallback ? -1 : b.code === fallback ? 1 : 0));
  return {
    locales,
    translate,
    resources,
    render: (locale, message, options) => renderMessage(translate, locale, message, options),
  };
}
