import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { compileErrors, validate } from '@readme/openapi-parser';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTranslations } from '../app/i18n.js';
import { FailedAuthLimiter } from '../bots/api/api-auth.js';
import { callRequestSchema } from '../bots/api/call-request.js';
import { API_ERRORS, apiRouter, openApiDocument, type ApiRouterOptions } from '../bots/api/index.js';
import { AdminService, apiKeyHash, StoreUnavailableError, type Organisation } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { text } from './support/locale-text.js';
import { seedVolunteers } from './support/seed.js';
import { startApp, type RunningApp } from './support/test-app.js';

function tomorrowAt(hour: number): string {
  const d = new Date(Date.now() + 24 * 3600_000);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
}

const validCall = (overrides: Record<string, unknown> = {}) => ({
  activity: 'translating',
  title: 'Begleitung zum Jobcenter',
  description: 'Bitte 15 Minuten vorher am Eingang sein.',
  place: 'Göttingen',
  startsAt: tomorrowAt(9),
  endsAt: tomorrowAt(11),
  helpersNeeded: 2,
  languages: ['ar'],
  ...overrides,
});

interface ApiAnswer {
  status: number;
  headers: Headers;
  body: { error?: { code: string; message: string; problems?: { field: string; message: string }[] } } & Record<string, unknown>;
}

describe.each(backends)('the REST API on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  let admin: AdminService;
  let key: string;
  let otherKey: string;
  let organisation: Organisation;

  beforeAll(async () => {
    db = await backend.create();
    service = await startApp(db.database, { QUIET_HOURS: '0-0' });
    admin = new AdminService(service.app.store, randomUUID);
    organisation = await admin.createOrganisation({ slug: `tafel-${backend.name}`, name: 'Tafel' });
    await admin.createOrganisation({ slug: `drk-${backend.name}`, name: 'DRK' });
    key = (await admin.issueApiKey({ organisation: organisation.slug, label: 'Dienstplan' })).key;
    otherKey = (await admin.issueApiKey({ organisation: `drk-${backend.name}` })).key;
  });
  afterAll(async () => {
    await service?.close();
    await db?.destroy();
  });

  async function api(path: string, init: { method?: string; body?: unknown; raw?: string; key?: string | null; headers?: Record<string, string> } = {}): Promise<ApiAnswer> {
    const headers: Record<string, string> = { ...init.headers };
    const auth = init.key === undefined ? key : init.key;
    if (auth !== null) headers.authorization = `Bearer ${auth}`;
    const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const response = await fetch(`${service.url}/api/v1${path}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body === undefined ? {} : { body }) });
    return { status: response.status, headers: response.headers, body: (await response.json()) as ApiAnswer['body'] };
  }

  it('posts a valid call with 201, its address and every field, and the worker asks the matching volunteers', async () => {
    const volunteers = await seedVolunteers(db.database.prisma, service.url, [
      { activities: ['childcare'], languages: ['ar'] },
      { activities: ['childcare'], languages: ['ar', 'de'] },
    ]);
    const [elsewhere] = await seedVolunteers(db.database.prisma, service.url, [{ activities: ['childcare'], languages: ['ar'], lat: 52.52, lon: 13.4 }]);
    const answerBy = tomorrowAt(7);
    const sent = validCall({ activity: 'childcare', title: 'Kinderbetreuung beim Sprachkurs', place: { lat: 51.54, lon: 9.93, name: 'Stadtteilzentrum' }, answerBy, minAge: 18, radiusKm: 15, skills: 'Erste Hilfe' });
    const { status, headers, body } = await api('/calls', { body: sent });

    expect(status).toBe(201);
    expect(headers.get('location')).toBe(`/api/v1/calls/${body.id}`);
    expect(body).toMatchObject({
      status: 'open',
      activity: 'childcare',
      title: sent.title,
      description: sent.description,
      descriptionLang: 'de',
      place: { name: 'Stadtteilzentrum', lat: 51.54, lon: 9.93 },
      startsAt: sent.startsAt,
      endsAt: sent.endsAt,
      answerBy,
      helpersNeeded: 2,
      acceptedCount: 0,
      languages: ['ar'],
      minAge: 18,
      radiusKm: 15,
      skills: 'Erste Hilfe',
    });
    expect(new Date(body.createdAt as string).getTime()).toBeGreaterThan(Date.now() - 60_000);

    await service.app.worker.drain();
    const asked = await db.database.prisma.callResponse.findMany({ where: { callId: body.id as string } });
    expect(asked.map((r) => r.personId).sort()).toEqual(volunteers.map((v) => v.id).sort());
    expect(asked.map((r) => r.personId)).not.toContain(elsewhere!.id);
  });

  it('answers a missing, malformed, unknown or revoked key alike: 401 with WWW-Authenticate', async () => {
    const second = await admin.issueApiKey({ organisation: organisation.slug });
    expect((await api('/calls/nothing-here', { key: second.key })).status).toBe(404);
    await admin.revokeApiKey(second.apiKey.id);

    const unknown = `hr_${'A'.repeat(32)}`;
    const answers = await Promise.all([
      api('/calls', { key: null, body: validCall() }),
      api('/calls', { key: null, headers: { authorization: `Basic ${Buffer.from(`x:${key}`).toString('base64')}` }, body: validCall() }),
      api('/calls', { key: 'hr_short', body: validCall() }),
      api('/calls', { key: unknown, body: validCall() }),
      api(`/calls/${randomUUID()}`, { key: second.key }),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="helferruf"');
      expect(answer.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: API_ERRORS.UNAUTHENTICATED.text } });
    }
    expect(await db.database.prisma.helperCall.count({ where: { title: validCall().title } })).toBe(0);
  });

  it('says 400 to a body that is not JSON, 415 to another media type and 413 to more than 32 kB', async () => {
    const broken = await api('/calls', { raw: '{"activity": "translating",' });
    expect(broken.status).toBe(400);
    expect(broken.body.error!.code).toBe('INVALID_JSON');
    expect((await api('/calls', { raw: 'activity=translating', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).body.error!.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const large = await api('/calls', { body: validCall({ description: 'x'.repeat(40_000) }) });
    expect(large.status).toBe(413);
    expect(large.body.error!.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await api('/calls', { method: 'POST' })).body.error!.code).toBe('INVALID_JSON');
  });

  it('names every field of the wrong type or format with 422, in German when asked', async () => {
    const { startsAt: _s, ...withoutStart } = validCall();
    const { status, headers, body } = await api('/calls', {
      headers: { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' },
      body: { ...withoutStart, activity: 7, endsAt: '2030-01-01T10:00:00', helpersNeeded: 'zwei', place: { lat: 'north', lon: 9.9, name: 'x' }, languages: 'ar', colour: 'blue' },
    });
    expect(status).toBe(422);
    expect(headers.get('content-language')).toBe('de');
    expect(body.error!.code).toBe('INVALID_INPUT');
    expect(body.error!.problems!.map((p) => p.field).sort()).toEqual(['activity', 'colour', 'endsAt', 'helpersNeeded', 'languages', 'place', 'startsAt']);
    for (const p of body.error!.problems!) expect(p.message).toBe(text('de', 'errors:INVALID_INPUT'));
  });

  it('names every broken rule with 422 and the reason in German, in English by default', async () => {
    const broken = validCall({ activity: 'juggling', title: 'x', place: 'Xyzzyhausen', startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() - 120_000).toISOString(), helpersNeeded: 2.5, languages: ['xx'], minAge: 120, radiusKm: 500 });
    const german = await api('/calls', { headers: { 'accept-language': 'de' }, body: broken });
    expect(german.status).toBe(422);
    const problems = Object.fromEntries(german.body.error!.problems!.map((p) => [p.field, p.message]));
    expect(Object.keys(problems).sort()).toEqual(['activity', 'answerBy', 'endsAt', 'helpersNeeded', 'languages', 'minAge', 'place', 'radiusKm', 'startsAt', 'title']);
    expect(problems.title).toBe(text('de', 'calls:invalid.title', { min: '3', max: '120' }));
    expect(problems.startsAt).toBe(text('de', 'calls:invalid.startsAt'));
    expect(problems.place).toBe(text('de', 'calls:invalid.place', { query: 'Xyzzyhausen' }));
    expect(problems.activity).toContain(text('de', 'calls:invalid.activity').split('{{')[0]!);

    const english = await api('/calls', { body: broken });
    expect(english.headers.get('content-language')).toBe('en');
    expect(english.body.error!.problems!.find((p) => p.field === 'helpersNeeded')!.message).toBe(text('en', 'calls:invalid.helpersNeeded', { max: '200' }));
  });

  it('posts a call once per Idempotency-Key and returns the first call to every repeated request, also concurrent ones', async () => {
    const once = { 'idempotency-key': `shift-${randomUUID()}` };
    const first = await api('/calls', { headers: once, body: validCall({ title: 'Kleiderkammer sortieren' }) });
    const again = await api('/calls', { headers: once, body: validCall({ title: 'Kleiderkammer sortieren' }) });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('location')).toBe(`/api/v1/calls/${first.body.id}`);

    const together = { 'idempotency-key': randomUUID() };
    const concurrent = await Promise.all([1, 2, 3].map(() => api('/calls', { headers: together, body: validCall({ title: 'Sprachcafé am Montag' }) })));
    expect(concurrent.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(concurrent.map((r) => r.body.id)).size).toBe(1);
    expect(await db.database.prisma.helperCall.count({ where: { title: 'Sprachcafé am Montag' } })).toBe(1);
    expect(await db.database.prisma.helperCall.count({ where: { title: 'Kleiderkammer sortieren' } })).toBe(1);

    // Another organisation's same key is its own: a new call.
    const other = await api('/calls', { key: otherKey, headers: once, body: validCall({ title: 'Kleiderkammer sortieren' }) });
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(first.body.id);

    const invalid = await api('/calls', { headers: { 'idempotency-key': 'x'.repeat(101) }, body: validCall() });
    expect([invalid.status, invalid.body.error!.code]).toEqual([400, 'INVALID_IDEMPOTENCY_KEY']);
  });

  it('posts one call when two requests with one key pass the replay check together: the primary key decides', async () => {
    // Both requests wait for each other after the replay check, then post at once.
    const arrived: (() => void)[] = [];
    const together = () => new Promise<void>((resolve) => (arrived.push(resolve) === 2 ? arrived.forEach((go) => go()) : undefined));
    const posting: ApiRouterOptions['posting'] = {
      post: async (...args) => {
        await together();
        return service.app.calls.posting.post(...args);
      },
    };
    const quiet = { info() {}, warn() {}, error() {} };
    const server = await listen(express().use('/api/v1', apiRouter({ store: service.app.store, posting, coordination: service.app.calls.coordination, renderer: service.app.translations, log: quiet, publicUrl: '' })));
    try {
      const send = () =>
        fetch(`${server.url}/api/v1/calls`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': 'race-1' },
          body: JSON.stringify(validCall({ title: 'Umzugshilfe am Samstag' })),
        });
      const answers = await Promise.all([send(), send()]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 201]);
      const ids = await Promise.all(answers.map(async (a) => ((await a.json()) as { id: string }).id));
      expect(ids[0]).toBe(ids[1]);
      expect(await db.database.prisma.helperCall.count({ where: { title: 'Umzugshilfe am Samstag' } })).toBe(1);
    } finally {
      server.close();
    }
  });

  it('reports how a call fills to its own organisation, and 404 to any other', async () => {
    const [a, b, c] = await seedVolunteers(db.database.prisma, service.url, [0, 1, 2].map(() => ({ activities: ['handicraft'], languages: ['de'] })));
    const posted = await api('/calls', { body: validCall({ activity: 'handicraft', title: 'Fahrräder reparieren', languages: [], helpersNeeded: 3 }) });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    const id = posted.body.id as string;
    await service.app.worker.drain();
    const token = `call:${id}`;
    for (const v of [a!, b!]) expect((await v.chat.send({ type: 'choice', token, values: ['accept'] })).error).toBeUndefined();
    await c!.chat.send({ type: 'choice', token, values: ['decline'] });

    const { status, body } = await api(`/calls/${id}`);
    expect(status).toBe(200);
    const counts = { asked: 3, seen: 0, accepted: 2, declined: 1, released: 0, unanswered: 0 };
    expect(body).toMatchObject({ id, status: 'open', title: 'Fahrräder reparieren', helpersNeeded: 3, acceptedCount: 2, openPlaces: 1, wavesSent: 1, responses: counts, waves: [{ wave: 1, ...counts }] });

    expect((body.helpers as { personId: string }[]).map((h) => h.personId).sort()).toEqual([a!.id, b!.id].sort());

    const foreign = await api(`/calls/${id}`, { key: otherKey });
    const missing = await api(`/calls/${randomUUID()}`, { key: otherKey });
    expect([foreign.status, missing.status]).toEqual([404, 404]);
    expect(foreign.body).toEqual(missing.body);
  });

  it('cancels a call once: everyone who accepted is told; another organisation gets 404', async () => {
    const [a] = await seedVolunteers(db.database.prisma, service.url, [{ activities: ['tutoring'], languages: ['ku'] }]);
    const posted = await api('/calls', { body: validCall({ activity: 'tutoring', title: 'Hausaufgabenhilfe', languages: ['ku'], helpersNeeded: 2 }) });
    const id = posted.body.id as string;
    await service.app.worker.drain();
    await a!.chat.send({ type: 'choice', token: `call:${id}`, values: ['accept'] });
    expect((await api(`/calls/${id}/cancel`, { method: 'POST', key: otherKey })).status).toBe(404);
    const cancelled = await api(`/calls/${id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const again = await api(`/calls/${id}/cancel`, { method: 'POST' });
    expect([again.status, (again.body.error as { code: string }).code]).toEqual([409, 'CALL_CLOSED']);
    await service.app.worker.drain();
    const inbox = await fetch(`${service.url}/api/web/inbox`, { headers: { cookie: a!.chat.cookie! } });
    expect(JSON.stringify(await inbox.json())).toContain('Hausaufgabenhilfe');
    expect(await db.database.prisma.sentMessage.count({ where: { id: `call.cancelled:${id}:${a!.id}` } })).toBe(1);
  });

  it('records attendance after the end, only for helpers who accepted, and validates the body', async () => {
    const [a, b] = await seedVolunteers(db.database.prisma, service.url, [0, 1].map(() => ({ activities: ['sports'], languages: ['so'] })));
    const posted = await api('/calls', { body: validCall({ activity: 'sports', title: 'Fußball-Training', languages: ['so'], helpersNeeded: 2 }) });
    const id = posted.body.id as string;
    await service.app.worker.drain();
    await a!.chat.send({ type: 'choice', token: `call:${id}`, values: ['accept'] });
    const early = await api(`/calls/${id}/attendance`, { body: { personId: a!.id, attended: false } });
    expect([early.status, (early.body.error as { code: string }).code]).toEqual([409, 'ATTENDANCE_REFUSED']);
    await db.database.prisma.helperCall.update({ where: { id }, data: { startsAt: new Date(Date.now() - 7200_000), endsAt: new Date(Date.now() - 3600_000) } });
    const bad = await api(`/calls/${id}/attendance`, { body: { personId: 7, attended: 'yes' } });
    expect(bad.status).toBe(422);
    expect((bad.body.error as { problems: { field: string }[] }).problems.map((p) => p.field)).toEqual(['personId', 'attended']);
    expect((await api(`/calls/${id}/attendance`, { body: { personId: b!.id, attended: true } })).status).toBe(409);
    const recorded = await fetch(`${service.url}/api/v1/calls/${id}/attendance`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ personId: a!.id, attended: false }),
    });
    expect(recorded.status).toBe(204);
    expect(await db.database.prisma.person.findUniqueOrThrow({ where: { id: a!.id } })).toMatchObject({ noShowCount: 1 });
    expect(((await api(`/calls/${id}`)).body.helpers as unknown[])).toEqual([{ personId: a!.id, firstName: 'Test', attended: false }]);
  });

  it('serves a valid OpenAPI 3.1 document without a key, describing every route the router serves', async () => {
    const { status, body } = await api('/openapi.json', { key: null });
    expect(status).toBe(200);
    const result = await validate(structuredClone(body) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
    expect(body.openapi).toBe('3.1.0');
    expect((body.servers as { url: string }[])[0]!.url).toMatch(/^http:\/\/localhost:\d+\/api\/v1$/);

    const documented = Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect(servedRoutes().sort()).toEqual(documented.sort());
    for (const code of Object.keys(API_ERRORS)) expect(JSON.stringify(body.components)).toContain(`"${code}"`);
  });

  // Last: it uses up this address's allowance of failed attempts.
  it('slows down guessing: after 10 failed attempts a minute, 429 with Retry-After, even for a valid key', async () => {
    let answer: ApiAnswer | undefined;
    for (let attempt = 0; attempt < 12; attempt++) {
      answer = await api('/calls/x', { key: `hr_${randomUUID().replaceAll('-', '')}` });
      if (answer.status === 429) break;
    }
    expect(answer!.status).toBe(429);
    expect(Number(answer!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(answer!.body.error!.code).toBe('RATE_LIMITED');
    expect((await api('/calls/x')).status).toBe(429);
  });
});

async function listen(app: express.Express): Promise<{ url: string; close(): void }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

/** Every method and path `apiRouter` answers, in OpenAPI's notation. */
function servedRoutes(): string[] {
  const router = apiRouter({ store: {} as never, posting: {} as never, coordination: {} as never, renderer: { locales: [], render: () => '' }, log: console, publicUrl: '' });
  const layers = (router as unknown as { stack: { route?: { path: string; methods: Record<string, boolean> } }[] }).stack;
  return layers.flatMap((layer) =>
    layer.route ? Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`) : [],
  );
}

describe('the REST API contract', () => {
  it('documents exactly the fields the request schema reads, and which are required', () => {
    const input = openApiDocument('http://localhost').components.schemas.CallInput!;
    const shape = callRequestSchema.shape;
    expect(Object.keys(input.properties!).sort()).toEqual(Object.keys(shape).sort());
    const required = Object.entries(shape).filter(([, field]) => !field.safeParse(undefined).success).map(([name]) => name);
    expect([...input.required!].sort()).toEqual(required.sort());
  });

  it('lets 10 failed attempts a minute through, then asks to wait until the next one is due', () => {
    let now = 0;
    const limiter = new FailedAuthLimiter(10, () => now);
    for (let i = 0; i < 10; i++) {
      expect(limiter.retryAfter('10.0.0.1')).toBe(0);
      limiter.fail('10.0.0.1');
    }
    expect(limiter.retryAfter('10.0.0.1')).toBe(6);
    expect(limiter.retryAfter('10.0.0.2')).toBe(0);
    now = 6_000;
    expect(limiter.retryAfter('10.0.0.1')).toBe(0);
  });
});

describe('the REST API error boundary', () => {
  const organisation: Organisation = { id: 'org-1', regionId: 'default', slug: 'tafel', name: 'Tafel', createdAt: new Date() };
  const key = `hr_${'k'.repeat(32)}`;
  let url: string;
  let close: () => void;
  let failure: unknown;
  const logged: string[] = [];

  beforeAll(async () => {
    const translations = await createTranslations('de');
    const store = {
      apiKeys: { findActiveByHash: async (hash: string) => (hash === apiKeyHash(key) ? { id: 'key-1', organisationId: organisation.id, prefix: key.slice(0, 10), label: null, createdAt: new Date(), revokedAt: null } : null) },
      organisations: { findById: async (id: string) => (id === organisation.id ? organisation : null) },
      calls: {
        findById: async () => {
          throw failure;
        },
      },
    } as unknown as ApiRouterOptions['store'];
    const line = (level: string) => (obj: object, msg?: string) => logged.push(`${level} ${msg} ${JSON.stringify(obj)}`);
    const app = express().use('/api/v1', apiRouter({ store, posting: {} as never, coordination: {} as never, renderer: translations, log: { info: line('info'), warn: line('warn'), error: line('error') }, publicUrl: 'http://localhost' }));
    const server = await listen(app);
    url = `${server.url}/api/v1`;
    close = server.close;
  });
  afterAll(() => close?.());

  const get = (path: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}`, 'accept-language': 'de' } });

  it('answers an unexpected error with 500 and a German sentence, and logs where without personal data', async () => {
    failure = new Error('duplicate value anna.schmidt@example.org in "title"');
    const response = await get('/calls/c-1');
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { code: 'UNEXPECTED', message: text('de', 'errors:UNEXPECTED') } });
    const line = logged.find((l) => l.startsWith('error'))!;
    expect(line).toContain('"route":"/api/v1/calls/:id"');
    expect(line).toContain('"organisationId":"org-1"');
    expect(line).not.toContain('anna');
  });

  it('answers an unreachable database with 503 and Retry-After', async () => {
    failure = new StoreUnavailableError(new Error('ECONNREFUSED'));
    const response = await get('/calls/c-1');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(((await response.json()) as { error: { code: string; message: string } }).error).toEqual({ code: 'SERVICE_UNAVAILABLE', message: text('de', 'errors:SERVICE_UNAVAILABLE') });
  });
});
