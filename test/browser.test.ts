/**
 * The web chat in a real browser: headless Chromium registers a volunteer
 * using the keyboard only (Tab, Shift+Tab, Enter, Space and typing), once in
 * German and once in Arabic (right to left), and axe-core checks the page's
 * accessibility on the way. Screenshots go to test-results/browser/.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AxeResults, Result } from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { startApp, type RunningApp } from './support/test-app.js';

const CHROMIUM = '/usr/bin/chromium';
const REQUIRED = process.env.REQUIRE_BROWSER === '1';
const AVAILABLE = existsSync(CHROMIUM);
const ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const SHOTS = join(ROOT, 'test-results', 'browser');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TIMEOUT = 120_000;
let axeScript: string | undefined;
const axeSource = () => (axeScript ??= readFileSync(AXE, 'utf8'));

// ---------------------------------------------------------------------------
// Texts, straight from the locale files the service renders from.

type Tree = { [key: string]: string | Tree };
const bundles = new Map<string, Tree>();

/** The raw template of `namespace:dotted.key` in one language. */
function template(lang: string, key: string): string {
  const [ns, path] = key.split(':') as [string, string];
  const id = `${lang}/${ns}`;
  if (!bundles.has(id)) bundles.set(id, JSON.parse(readFileSync(join(ROOT, 'locales', lang, `${ns}.json`), 'utf8')) as Tree);
  let node: string | Tree | undefined = bundles.get(id);
  for (const part of path.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  if (typeof node !== 'string') throw new Error(`No text ${key} in locales/${lang}`);
  return node;
}

/** A text with its parameters filled in; text written by people is isolated in right-to-left languages, numbers are not. */
function t(lang: string, key: string, params: Record<string, string | number> = {}): string {
  return template(lang, key).replace(/\{\{(\w+)\}\}/g, (all, name: string) => {
    const value = params[name];
    return value === undefined ? all : typeof value === 'string' ? isolate(lang, value) : String(value);
  });
}

/** A text as a pattern; parameters not given match anything. */
function pattern(lang: string, key: string, params: Record<string, string | number> = {}): RegExp {
  const parts = t(lang, key, params).split(/\{\{\w+\}\}/);
  return new RegExp(`^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*?')}$`);
}

// ---------------------------------------------------------------------------
// The page, as far as these tests look at it (the project compiles without the DOM library).

interface PageNode {
  tagName: string;
  id: string;
  type?: string;
  value?: string;
  checked?: boolean;
  hidden: boolean;
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  parentElement: PageNode | null;
  nextElementSibling: PageNode | null;
  hasAttribute(name: string): boolean;
  getAttribute(name: string): string | null;
  checkVisibility(): boolean;
  closest(selector: string): PageNode | null;
  querySelectorAll(selector: string): Iterable<PageNode>;
}
interface PageGlobals {
  document: {
    activeElement: PageNode | null;
    documentElement: { lang: string; dir: string; scrollWidth: number; clientWidth: number };
    getElementById(id: string): PageNode | null;
    querySelectorAll(selector: string): Iterable<PageNode>;
  };
  axe: { run(): Promise<AxeResults> };
}

/** What has the keyboard focus, in a few words and fields. */
interface Focus {
  tag: string;
  id: string;
  type: string;
  /** A choice button's value or a checkbox's value. */
  value: string;
  checked: boolean;
  label: string;
  /** Whether it is the first control of the current question, in tab order. */
  first: boolean;
}

async function focus(page: Page): Promise<Focus> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    const el = document.activeElement;
    const controls = [...document.querySelectorAll('#answer button, #answer input')].filter((c) => c.checkVisibility());
    const label = el?.type === 'checkbox' ? (el.nextElementSibling?.textContent ?? '') : (el?.textContent ?? '');
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      id: el?.id ?? '',
      type: el?.type ?? '',
      value: el?.dataset.value ?? (el?.type === 'checkbox' ? (el.value ?? '') : ''),
      checked: el?.checked ?? false,
      label,
      first: el !== null && controls[0] === el,
    };
  });
}

const describeFocus = (f: Focus) => `<${f.tag}${f.id ? `#${f.id}` : ''}${f.type ? ` type=${f.type}` : ''}${f.value ? ` value=${f.value}` : ''}> "${f.label}"`;

/** Presses Tab (or Shift+Tab) until the focused control is the one wanted. */
async function tabTo(page: Page, wanted: (f: Focus) => boolean, what: string, key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<Focus> {
  const trail: string[] = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press(key);
    const now = await focus(page);
    if (wanted(now)) return now;
    trail.push(describeFocus(now));
  }
  throw new Error(`${key} never reached ${what}; passed: ${trail.join(' → ')}`);
}

const byValue = (value: string) => (f: Focus) => f.value === value;
const byId = (id: string) => (f: Focus) => f.id === id;

/** Waits until the page has shown the question and is not waiting for the server. */
async function waitForQuestion(page: Page, expected: RegExp | string): Promise<string> {
  const source = typeof expected === 'string' ? expected : expected.source;
  const isPattern = typeof expected !== 'string';
  try {
    await page.waitForFunction(
      ([want, regex]) => {
        const { document } = globalThis as unknown as PageGlobals;
        const text = document.getElementById('question')?.textContent ?? '';
        const idle = !document.getElementById('answer')?.hasAttribute('aria-busy');
        return idle && (regex ? new RegExp(want).test(text) : text === want);
      },
      [source, isPattern] as const,
      { timeout: 20_000 },
    );
  } catch {
    const shown = await page.evaluate(() => {
      const { document } = globalThis as unknown as PageGlobals;
      return {
        question: document.getElementById('question')?.textContent,
        status: document.getElementById('status')?.textContent,
        log: [...document.querySelectorAll('#log li')].slice(-4).map((li) => li.textContent),
      };
    });
    throw new Error(`The page did not show the question ${JSON.stringify(source)}; it shows ${JSON.stringify(shown, null, 2)}`);
  }
  return (await page.locator('#question').textContent()) ?? '';
}

/** After every answer the keyboard is already on the new question's first control. */
async function expectFocusOnFirstControl(page: Page, expected?: (f: Focus) => boolean): Promise<Focus> {
  const now = await focus(page);
  expect(now.first, `focus should be on the question's first control, is on ${describeFocus(now)}`).toBe(true);
  if (expected) expect(expected(now), `unexpected first control ${describeFocus(now)}`).toBe(true);
  return now;
}

/** Types into the focused answer field and sends it with Enter. */
async function typeAndEnter(page: Page, value: string): Promise<void> {
  const now = await focus(page);
  expect(now.id, `typing needs the answer field focused, not ${describeFocus(now)}`).toBe('text');
  await page.keyboard.type(value);
  await page.keyboard.press('Enter');
}

/** Nothing sticks out sideways (in right-to-left layouts a misplaced element widens the page). */
async function expectNoSidewaysScrolling(page: Page): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => {
    const root = (globalThis as unknown as PageGlobals).document.documentElement;
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
  });
  expect(scrollWidth, 'the page is wider than the window').toBeLessThanOrEqual(clientWidth);
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** One violation in a few readable lines: rule, impact, and every element with what to fix. */
function describeViolation(v: Result): string {
  const nodes = v.nodes.map((n) => `  at ${n.target.join(' ')}: ${n.html}\n    ${(n.failureSummary ?? '').replace(/\n/g, '\n    ')}`);
  return [`[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`, ...nodes].join('\n');
}

/** Runs axe-core on the page as it is; nothing serious or critical may be found. */
async function expectAccessible(page: Page, where: string, audits: string[]): Promise<void> {
  const injected = await page.evaluate(() => typeof (globalThis as unknown as Partial<PageGlobals>).axe === 'object');
  // The page's Content-Security-Policy (default-src 'self') refuses an inline <script> (page.addScriptTag);
  // evaluating axe through the DevTools protocol is not subject to it, so the page keeps its real policy.
  if (!injected) await page.evaluate(axeSource());
  const results = await page.evaluate(() => (globalThis as unknown as PageGlobals).axe.run());
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = results.violations.filter((v) => !bad.includes(v));
  audits.push(`${where}: ${results.passes.length} rules passed, ${bad.length} serious/critical, ${minor.length} minor${minor.length ? ` (${minor.map((v) => `${v.id}/${v.impact}`).join(', ')})` : ''}`);
  expect(bad.map(describeViolation), `axe-core found serious or critical problems ${where}`).toEqual([]);
}

// ---------------------------------------------------------------------------

interface Run {
  lang: 'de' | 'ar';
  /** The browser's language before the person picks one. */
  browserLocale: string;
  firstName: string;
  lastName: string;
  email: string;
  /** Typed, or null to press "skip". */
  phone: string | null;
  phoneShown: string;
  postcode: string;
  placeName: string;
  /** A radius button's value, or digits typed into the field. */
  radius: { press: string } | { type: string };
  hours: { press: string } | { type: string };
  /** Language codes ticked, or typed. */
  languages: { tick: string[] } | { type: string };
  skills: string | null;
}

const RUNS: Run[] = [
  {
    lang: 'de',
    browserLocale: 'de-DE',
    firstName: 'Jana',
    lastName: 'Müller-Lüdenscheidt',
    email: 'jana.mueller@example.org',
    phone: null,
    phoneShown: t('de', 'registration:summary.none'),
    postcode: '37075',
    placeName: 'Göttingen',
    radius: { press: '10' },
    hours: { type: '6' },
    languages: { tick: ['de', 'en', 'ar'] },
    skills: 'Erste Hilfe, Führerschein Klasse B',
  },
  {
    lang: 'ar',
    browserLocale: 'en-US',
    firstName: 'سلمى',
    lastName: 'الحسن',
    email: 'salma@example.org',
    phone: '+49 170 1234567',
    phoneShown: '+491701234567',
    postcode: '60311',
    placeName: 'Frankfurt am Main',
    radius: { type: '15' },
    hours: { press: '4' },
    languages: { type: 'ar, de, ti' },
    skills: null,
  },
];

describe.skipIf(!AVAILABLE && !REQUIRED)('web chat in a browser, keyboard only', () => {
  let browser: Browser;

  beforeAll(async () => {
    if (!AVAILABLE) throw new Error(`No Chromium at ${CHROMIUM}; install Debian's chromium: apt-get install -y chromium`);
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  describe.each(RUNS)('in $lang', (run) => {
    let db: TestDatabase;
    let app: RunningApp;

    beforeAll(async () => {
      db = await backends[0]!.create();
      app = await startApp(db.database);
    });

    afterAll(async () => {
      await app?.close();
      await db?.destroy();
    });

    it(
      'registers a volunteer from the language question to the menu',
      async () => {
        const { lang } = run;
        const context = await browser.newContext({ locale: run.browserLocale, viewport: { width: 800, height: 900 } });
        const page = await context.newPage();
        const problems: string[] = [];
        page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
        page.on('response', (r) => {
          if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
        });
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push(`console: ${m.text()} (${m.location().url})`);
        });
        const audits: string[] = [];
        try {
          // The first question, in the browser's language; the keyboard is on the first language.
          await page.goto(app.url);
          const startLang = run.browserLocale.slice(0, 2);
          await waitForQuestion(page, t(startLang, 'registration:ask.language'));
          expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.lang)).toBe(startLang);
          await expectFocusOnFirstControl(page);
          await screenshot(page, `${lang}-start`);
          await expectAccessible(page, 'at the start', audits);

          // Language: Tab to it, Enter.
          await tabTo(page, byValue(lang), `the language button "${lang}"`);
          await page.keyboard.press('Enter');

          // Privacy notice, now in the chosen language; the page turns to its direction.
          await waitForQuestion(page, pattern(lang, 'registration:ask.privacy'));
          const root = await page.evaluate(() => {
            const { documentElement } = (globalThis as unknown as PageGlobals).document;
            return { lang: documentElement.lang, dir: documentElement.dir };
          });
          expect(root).toEqual({ lang, dir: lang === 'ar' ? 'rtl' : 'ltr' });
          await expectFocusOnFirstControl(page, (f) => f.value === 'agree' && f.label === t(lang, 'registration:privacy.agree'));
          await page.keyboard.press('Space');

          // Names and e-mail: the answer field has the focus, Enter sends.
          const firstNameQuestion = await waitForQuestion(page, t(lang, 'registration:ask.firstName'));
          if (lang === 'ar') expect(firstNameQuestion).toBe(template('ar', 'registration:ask.firstName'));
          await expectFocusOnFirstControl(page, byId('text'));
          await typeAndEnter(page, run.firstName);

          await waitForQuestion(page, t(lang, 'registration:ask.lastName'));
          await expectFocusOnFirstControl(page, byId('text'));
          await typeAndEnter(page, run.lastName);

          await waitForQuestion(page, t(lang, 'registration:ask.email'));
          await expectFocusOnFirstControl(page, byId('text'));
          expect(await page.locator('#text').getAttribute('type')).toBe('email');
          await typeAndEnter(page, run.email);

          // Mobile number: "skip" comes first; the field is one Tab further.
          await waitForQuestion(page, t(lang, 'registration:ask.phone'));
          await expectFocusOnFirstControl(page, byValue('skip'));
          if (run.phone === null) {
            await page.keyboard.press('Enter');
          } else {
            await tabTo(page, byId('text'), 'the phone field');
            await typeAndEnter(page, run.phone);
          }

          // Home place, typed as a postcode.
          await waitForQuestion(page, t(lang, 'registration:ask.place'));
          await expectFocusOnFirstControl(page, byId('text'));
          await typeAndEnter(page, run.postcode);

          // Travel radius: a button, or a number typed into the field after them.
          await waitForQuestion(page, t(lang, 'registration:ask.radius'));
          await expectFocusOnFirstControl(page, byValue('2'));
          if ('press' in run.radius) {
            await tabTo(page, byValue(run.radius.press), `the ${run.radius.press} km button`);
            await page.keyboard.press('Space');
          } else {
            await tabTo(page, byId('text'), 'the radius field');
            await typeAndEnter(page, run.radius.type);
          }
          const radius = 'press' in run.radius ? run.radius.press : run.radius.type;

          // Activities: checkboxes ticked with Space, then "Done".
          await waitForQuestion(page, t(lang, 'registration:ask.activities'));
          const firstActivity = await expectFocusOnFirstControl(page, (f) => f.type === 'checkbox');
          await page.keyboard.press('Space');
          await tabTo(page, (f) => f.type === 'checkbox' && f.value !== firstActivity.value, 'the second activity');
          const third = await tabTo(page, (f) => f.type === 'checkbox' && f.value !== firstActivity.value, 'the third activity');
          await page.keyboard.press('Space');
          // Changed my mind: back to the second one as well.
          const second = await tabTo(page, (f) => f.type === 'checkbox', 'the second activity again', 'Shift+Tab');
          await page.keyboard.press('Space');
          const ticked = await page.$$eval('#choices input[type=checkbox]:checked', (boxes) => boxes.map((b) => (b as unknown as PageNode).value ?? ''));
          expect(ticked).toEqual([firstActivity.value, second.value, third.value]);
          await expectNoSidewaysScrolling(page);
          await screenshot(page, `${lang}-activities`);
          await expectAccessible(page, 'at the activities (checkboxes)', audits);
          await tabTo(page, byId('done'), 'the Done button');
          await page.keyboard.press('Enter');

          // Languages spoken: ticked, or typed as codes.
          await waitForQuestion(page, t(lang, 'registration:ask.languages'));
          await expectFocusOnFirstControl(page, (f) => f.type === 'checkbox' && f.value === 'de');
          if ('tick' in run.languages) {
            for (const code of run.languages.tick) {
              const box = (await focus(page)).value === code ? await focus(page) : await tabTo(page, byValue(code), `the language ${code}`);
              if (!box.checked) await page.keyboard.press('Space');
            }
            await tabTo(page, byId('done'), 'the Done button');
            await page.keyboard.press('Enter');
          } else {
            await tabTo(page, byId('text'), 'the languages field');
            await typeAndEnter(page, run.languages.type);
          }

          // Hours per week.
          await waitForQuestion(page, t(lang, 'registration:ask.hours'));
          await expectFocusOnFirstControl(page, byValue('1'));
          if ('press' in run.hours) {
            await tabTo(page, byValue(run.hours.press), `the ${run.hours.press} hours button`);
            await page.keyboard.press('Enter');
          } else {
            await tabTo(page, byId('text'), 'the hours field');
            await typeAndEnter(page, run.hours.type);
          }
          const hours = 'press' in run.hours ? run.hours.press : run.hours.type;

          // Skills: "skip" first, the field after it.
          await waitForQuestion(page, t(lang, 'registration:ask.skills'));
          await expectFocusOnFirstControl(page, byValue('skip'));
          if (run.skills === null) {
            await page.keyboard.press('Space');
          } else {
            await tabTo(page, byId('text'), 'the skills field');
            await typeAndEnter(page, run.skills);
          }

          // Summary: everything entered, "confirm" first.
          const summary = await waitForQuestion(page, pattern(lang, 'registration:summary.text', { firstName: run.firstName, lastName: run.lastName, email: run.email, phone: run.phoneShown, radius: Number(radius), hours: Number(hours) }));
          expect(summary).toContain(`${run.postcode} ${run.placeName}`);
          expect(summary).toContain(firstActivity.label);
          expect(summary).toContain(second.label);
          expect(summary).toContain(third.label);
          expect(summary).toContain(run.skills ?? t(lang, 'registration:summary.none'));
          await expectFocusOnFirstControl(page, (f) => f.value === 'confirm' && f.label === t(lang, 'registration:summary.confirm'));
          await expectNoSidewaysScrolling(page);
          await screenshot(page, `${lang}-summary`);
          await expectAccessible(page, 'at the summary', audits);
          await page.keyboard.press('Enter');

          // Registered: the thanks with the first name, then the menu, ready for the keyboard.
          await waitForQuestion(page, t(lang, 'menu:prompt'));
          const said = await page.locator('#log li.bot').allTextContents();
          expect(said).toContain(t(lang, 'registration:done', { firstName: run.firstName }));
          await expectFocusOnFirstControl(page, (f) => f.value === 'profile' && f.label === t(lang, 'menu:entry.profile'));
          expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.dir)).toBe(lang === 'ar' ? 'rtl' : 'ltr');
          await screenshot(page, `${lang}-done`);
          await expectAccessible(page, 'at the menu', audits);

          expect(problems).toEqual([]);
        } finally {
          console.info(`axe-core (${lang}):\n  ${audits.join('\n  ')}`);
          await context.close();
        }
      },
      TIMEOUT,
    );
  });
});
