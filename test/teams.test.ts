import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminService, CALL_STATUS_DEBOUNCE_MS, DeliveryError } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { text } from './support/locale-text.js';
import { seedVolunteers, type SeededVolunteer } from './support/seed.js';
import { startApp, type RunningApp } from './support/test-app.js';
import { cardText, LocalBotConnector, sentText, TeamsUser, type Card } from './support/bot-connector.js';

const LOCAL = { QUIET_HOURS: '0-0', TEAMS_ALLOW_UNAUTHENTICATED: 'true' };

/** Tomorrow (in Berlin) as an Adaptive Card's Input.Date gives it. */
function tomorrow(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + 24 * 3600_000));
}

function textOf(card: Card): string {
  return cardText(card);
}

describe.each(backends)('Microsoft Teams on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  let connector: LocalBotConnector;
  let clara: TeamsUser;
  let organisation: { id: string; slug: string; regionId: string };
  let volunteers: SeededVolunteer[] = [];

  beforeAll(async () => {
    db = await backend.create();
    connector = await LocalBotConnector.start();
    service = await startApp(db.database, LOCAL);
    clara = new TeamsUser(connector, service.url, { userId: '29:clara', conversationId: 'a:personal-clara', locale: 'de-DE' });
    const admin = new AdminService(service.app.store, randomUUID);
    organisation = await admin.createOrganisation({ slug: `drk-teams-${backend.name}`, name: 'DRK' });
  });
  afterAll(async () => {
    await service?.close();
    await connector?.close();
    await db?.destroy();
  });

  /** Time passes: jobs due within `seconds` become due, and run. */
  async function letTimePass(seconds: number) {
    await db.database.prisma.job.updateMany({ where: { doneAt: null, runAt: { lte: new Date(Date.now() + seconds * 1000) } }, data: { runAt: new Date() } });
    await service.app.worker.drain();
  }

  it('says loudly at start-up that Teams runs without authentication', () => {
    expect(service.logs.join('')).toContain('TEAMS_UNAUTHENTICATED');
  });

  it('greets a person who adds the bot and registers them through Adaptive Cards, in the Teams language', async () => {
    const greeting = await clara.post(
      clara.activity({ type: 'conversationUpdate', membersAdded: [{ id: '28:helferruf-bot' }], text: undefined }),
    );
    expect(greeting.status).toBe(200);
    expect(greeting.sent).toHaveLength(1);
    expect(greeting.sent[0]!.route).toBe('reply');
    const first = clara.latestCard().card;
    expect(first.type).toBe('AdaptiveCard');
    expect(textOf(first)).toContain(text('de', 'registration:ask.language').split('\n')[0]!);

    await clara.tap('de');
    await clara.tap('agree');
    for (const answer of ['Clara', 'Koordina', 'clara@drk.example']) await clara.answer(answer);
    await clara.tap('skip');
    await clara.answer('Göttingen');
    await clara.tap('10');
    await clara.pick(['driving']);
    await clara.pick(['de']);
    await clara.tap('2');
    await clara.tap('skip');
    const done = await clara.tap('confirm');
    expect(done.status).toBe(200);

    const identity = await db.database.prisma.channelIdentity.findUniqueOrThrow({ where: { channel_address: { channel: 'teams', address: '29:clara' } } });
    // The conversation reference is kept for proactive messages, and names nobody.
    expect(identity.reference).toMatchObject({ serviceUrl: connector.url, conversation: { id: 'a:personal-clara', conversationType: 'personal', tenantId: 'tenant-1' }, bot: { id: '28:helferruf-bot' } });
    expect(JSON.stringify(identity.reference)).not.toContain('Test User');
    const person = await db.database.prisma.person.findUniqueOrThrow({ where: { id: identity.personId } });
    expect(person).toMatchObject({ firstName: 'Clara', email: 'clara@drk.example', locale: 'de' });
  });

  it('refuses the call form to a person who is not a coordinator, with a clear message', async () => {
    const sent = await clara.say('/call');
    expect(sentText(sent)).toBe(text('de', 'errors:ROLE_REQUIRED'));
  });

  it('posts a call through the form: problems shown in the card, then the call and its live status card', async () => {
    await new AdminService(service.app.store, randomUUID).grantRole({ person: 'clara@drk.example', role: 'coordinator', organisation: organisation.slug, reason: 'test' });
    const opened = await clara.say('/call');
    expect(opened).toHaveLength(1);
    const form = clara.latestCard();
    expect(textOf(form.card)).toContain(text('de', 'coordination:form.title'));
    const ids = form.card.body.map((e) => e.id).filter(Boolean);
    expect(ids).toEqual(['activity', 'title', 'description', 'place', 'date', 'startTime', 'endDate', 'endTime', 'helpers', 'languages', 'deadline']);
    expect(form.card.body.find((e) => e.id === 'activity')!.choices!.map((c) => c.value)).toContain('translating');

    const invalid = await clara.press((a) => a.data.hr === 'call-form', { activity: 'translating', title: 'x', place: 'Xyzzyhausen', date: '2020-01-01', startTime: '10:00', endTime: '09:00', helpers: '0', deadline: '3' });
    expect(invalid.status).toBe(200);
    // The form is updated in place, not sent again.
    expect(invalid.sent.map((r) => [r.route, r.activityId])).toEqual([['update', form.activityId]]);
    const problems = clara.latestCard().card.body.filter((e) => e.color === 'Attention').map((e) => e.text);
    expect(problems).toEqual(
      expect.arrayContaining([
        text('de', 'calls:invalid.title', { min: '3', max: '120' }),
        text('de', 'calls:invalid.place', { query: 'Xyzzyhausen' }),
        text('de', 'calls:invalid.startsAt'),
        text('de', 'calls:invalid.helpersNeeded', { max: '200' }),
      ]),
    );
    // What was typed is kept.
    expect(clara.latestCard().card.body.find((e) => e.id === 'place')!.value).toBe('Xyzzyhausen');
    expect(await db.database.prisma.helperCall.count()).toBe(0);

    const valid = await clara.press((a) => a.data.hr === 'call-form', {
      activity: 'translating',
      title: 'Begleitung zum Jobcenter',
      description: 'Bitte Ausweis mitbringen.',
      place: '37073',
      date: tomorrow(),
      startTime: '10:00',
      endTime: '12:00',
      helpers: '2',
      languages: 'ar',
      deadline: '3',
    });
    expect(valid.status).toBe(200);
    expect(sentText(valid.sent.filter((r) => r.route === 'reply'))).toBe(text('de', 'coordination:form.posted', { title: 'Begleitung zum Jobcenter' }));
    const call = await db.database.prisma.helperCall.findFirstOrThrow({ where: { title: 'Begleitung zum Jobcenter' } });
    expect(call).toMatchObject({ organisationId: organisation.id, helpersNeeded: 2, languages: ['ar'], placeName: '37073 Göttingen', activityKey: 'translating' });
    expect(call.startsAt.getTime() - call.answerBy.getTime()).toBe(3 * 3600_000);
    const status = clara.latestCard();
    expect(status.activityId).toBe(form.activityId);
    expect(textOf(status.card)).toContain('Begleitung zum Jobcenter');
    expect(textOf(status.card)).toContain('Offene Plätze: 2 von 2');
    expect(status.card.actions!.map((a) => [a.type, a.data.value])).toEqual([
      ['Action.Execute', 'cancel'],
      ['Action.Execute', 'extend'],
      ['Action.Execute', 'add'],
    ]);
    // Pressing Send twice posts once: the form's id is the call's id.
    const again = await clara.post(clara.activity({ value: { hr: 'call-form', formId: call.id, title: 'Begleitung zum Jobcenter' }, replyToId: form.activityId }));
    expect(sentText(again.sent)).toBe(text('de', 'coordination:form.alreadyPosted', { title: 'Begleitung zum Jobcenter' }));
    expect(await db.database.prisma.helperCall.count()).toBe(1);
  });

  it('updates the status card in place as volunteers accept in the web chat', async () => {
    volunteers = await seedVolunteers(db.database.prisma, service.url, Array.from({ length: 4 }, () => ({ languages: ['ar', 'de'] })));
    const call = await db.database.prisma.helperCall.findFirstOrThrow({ where: { title: 'Begleitung zum Jobcenter' } });
    await service.app.worker.drain();
    const asked = await db.database.prisma.callResponse.findMany({ where: { callId: call.id } });
    expect(asked).toHaveLength(4);
    await letTimePass(5);
    const statusId = clara.statusCard().activityId;
    expect(textOf(clara.statusCard().card)).toContain('Angefragt: 4 · Zugesagt: 0 · Abgesagt: 0');

    // The debounced update already ran early (time was made to pass): answers start a new window.
    await new Promise((resolve) => setTimeout(resolve, CALL_STATUS_DEBOUNCE_MS - (Date.now() % CALL_STATUS_DEBOUNCE_MS) + 20));
    const [first, second] = volunteers as [SeededVolunteer, SeededVolunteer];
    await first.chat.send({ type: 'choice', token: `call:${call.id}`, values: ['accept'] });
    await second.chat.send({ type: 'choice', token: `call:${call.id}`, values: ['decline'] });
    const before = connector.in(clara.conversationId).length;
    await letTimePass(5);
    const updates = connector.in(clara.conversationId).slice(before).filter((r) => r.route === 'update');
    expect(updates.map((u) => u.activityId)).toEqual([statusId]);
    expect(textOf(clara.statusCard().card)).toContain('Angefragt: 4 · Zugesagt: 1 · Abgesagt: 1');
    expect(textOf(clara.statusCard().card)).toContain('Offene Plätze: 1 von 2');
  });

  it('lets the coordinator extend the deadline and add a place with the status card buttons (Action.Execute)', async () => {
    const call = await db.database.prisma.helperCall.findFirstOrThrow({ where: { title: 'Begleitung zum Jobcenter' } });
    const status = clara.statusCard();
    const extended = await clara.press((a) => a.data.value === 'extend', {}, status);
    expect(extended.status).toBe(200);
    const after = await db.database.prisma.helperCall.findUniqueOrThrow({ where: { id: call.id } });
    // Never past the start: here the start is nearer than 24 hours beyond the old deadline.
    expect(after.answerBy.getTime()).toBe(Math.min(call.answerBy.getTime() + 24 * 3600_000, call.startsAt.getTime()));
    expect(sentText(extended.sent)).toContain(text('de', 'coordination:manage.extended').split('{{')[0]!);
    // The invoke is answered with the refreshed card, which Teams shows in the pressed card's place.
    expect(extended.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(textOf((extended.body as { value: Card }).value)).toContain('Begleitung zum Jobcenter');

    const added = await clara.press((a) => a.data.value === 'add', {}, status);
    expect(sentText(added.sent)).toContain(text('de', 'coordination:manage.added', { title: 'Begleitung zum Jobcenter', helpers: '3' }));
    expect(await db.database.prisma.helperCall.findUniqueOrThrow({ where: { id: call.id } })).toMatchObject({ helpersNeeded: 3, status: 'open' });
    expect(textOf((added.body as { value: Card }).value)).toContain('Offene Plätze: 2 von 3');
  });

  it('does not let anyone else use a forwarded status card', async () => {
    const stranger = new TeamsUser(connector, service.url, { userId: '29:mallory', conversationId: 'a:personal-mallory', locale: 'en-US' });
    const card = clara.statusCard();
    const cancel = card.card.actions!.find((a) => a.data.value === 'cancel')!;
    const pressed = await stranger.post(stranger.activity({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: cancel.verb, data: cancel.data } } }));
    expect(pressed.status).toBe(200);
    expect(sentText(pressed.sent)).toContain(text('en', 'errors:NOT_REGISTERED'));
    expect((await db.database.prisma.helperCall.findFirstOrThrow({ where: { title: 'Begleitung zum Jobcenter' } })).status).toBe('open');
  });

  it('cancels the call from the status card; the card then offers nothing more', async () => {
    const call = await db.database.prisma.helperCall.findFirstOrThrow({ where: { title: 'Begleitung zum Jobcenter' } });
    const cancelled = await clara.press((a) => a.data.value === 'cancel', {}, clara.statusCard());
    expect(sentText(cancelled.sent)).toContain(text('de', 'coordination:manage.cancelled', { title: 'Begleitung zum Jobcenter' }));
    expect((await db.database.prisma.helperCall.findUniqueOrThrow({ where: { id: call.id } })).status).toBe('cancelled');
    const card = (cancelled.body as { value: Card }).value;
    expect(textOf(card)).toContain(text('de', 'calls:status.state.cancelled'));
    expect(card.actions ?? []).toEqual([]);
  });

  it('answers an unreadable card submit and a replayed activity clearly, and loses nothing', async () => {
    const odd = await clara.post(clara.activity({ value: { hr: 'choice', token: '' } }));
    expect(sentText(odd.sent)).toBe(text('de', 'teams:unreadable'));
    const activity = clara.activity({ text: '/help' });
    const once = await clara.post(activity);
    expect(sentText(once.sent)).toContain(text('de', 'conversation:help').split('\n')[0]!);
    // Teams delivers an activity again when the bot was slow to answer: it is applied once.
    const replayed = await clara.post(activity);
    expect(sentText(replayed.sent)).toContain(text('de', 'conversation:duplicate'));
    const form = clara.activity({ text: '/call' });
    expect(await clara.post(form).then((r) => r.sent.length)).toBe(1);
    expect(sentText((await clara.post(form)).sent)).toBe(text('de', 'conversation:duplicate'));
    const broken = await fetch(`${service.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": "mess' });
    expect(broken.status).toBe(400);
  });

  it('tells the coordinator in Teams when the deadline passes unfilled; extending it opens the call again', async () => {
    await clara.say('/call');
    await clara.press((a) => a.data.hr === 'call-form', { activity: 'translating', title: 'Behördengang', place: 'Göttingen', date: tomorrow(), startTime: '11:00', endTime: '12:00', helpers: '5', languages: 'fa', deadline: '1' });
    const call = await db.database.prisma.helperCall.findFirstOrThrow({ where: { title: 'Behördengang' } });
    const status = clara.statusCard();
    // Time passes until the deadline: nobody speaks Persian here, so nobody was found.
    await db.database.prisma.helperCall.update({ where: { id: call.id }, data: { answerBy: new Date(Date.now() - 1000) } });
    await db.database.prisma.job.updateMany({ where: { key: `call.deadline:${call.id}` }, data: { runAt: new Date() } });
    const before = connector.in(clara.conversationId).length;
    // Twice: the deadline job asks for a status update, which is due a moment later.
    await letTimePass(5);
    await letTimePass(5);
    const after = connector.in(clara.conversationId).slice(before);
    expect(sentText(after.filter((r) => r.route !== 'update'))).toBe(text('de', 'calls:coordinatorExpired', { title: 'Behördengang', accepted: '0', count: '5' }));
    const expired = clara.statusCard().card;
    expect(textOf(expired)).toContain(text('de', 'calls:status.state.expired'));
    expect(expired.actions!.map((a) => a.data.value)).toEqual(['extend']);

    const extended = await clara.press((a) => a.data.value === 'extend', {}, { activityId: status.activityId, card: expired });
    expect(sentText(extended.sent)).toContain(text('de', 'coordination:manage.extended').split('{{')[0]!);
    const reopened = await db.database.prisma.helperCall.findUniqueOrThrow({ where: { id: call.id } });
    expect(reopened.status).toBe('open');
    expect(reopened.answerBy.getTime()).toBeGreaterThan(Date.now());
    expect(await db.database.prisma.job.count({ where: { key: { startsWith: `call.wave:${call.id}:extended:` } } })).toBe(1);
    expect(textOf((extended.body as { value: Card }).value)).toContain(text('de', 'calls:status.state.open'));
    await letTimePass(5);
  });

  it('answers in a team channel when mentioned, and keeps proactive messages in the personal chat', async () => {
    const inChannel = new TeamsUser(connector, service.url, { userId: '29:clara', conversationId: '19:team-channel@thread.tacv2;messageid=1', conversationType: 'channel', locale: 'de-DE' });
    const sent = (
      await inChannel.post(inChannel.activity({ text: '<at>Helferruf</at> /help', entities: [{ type: 'mention', text: '<at>Helferruf</at>', mentioned: { id: '28:helferruf-bot', name: 'Helferruf' } }] }))
    ).sent;
    expect(sent).toHaveLength(1);
    expect(sent[0]!.conversationId).toBe('19:team-channel@thread.tacv2;messageid=1');
    expect(sentText(sent)).toContain(text('de', 'conversation:help').split('\n')[0]!);
    const identity = await db.database.prisma.channelIdentity.findUniqueOrThrow({ where: { channel_address: { channel: 'teams', address: '29:clara' } } });
    expect(identity.reference).toMatchObject({ conversation: { id: 'a:personal-clara' } });
  });

  it("speaks a new person's Teams language: Arabic, right to left", async () => {
    const amal = new TeamsUser(connector, service.url, { userId: '29:amal', conversationId: 'a:personal-amal', locale: 'ar-SA' });
    const sent = await amal.say('مرحبا');
    expect(sent).toHaveLength(1);
    const { card } = amal.latestCard();
    expect(card.rtl).toBe(true);
    expect(textOf(card)).toContain(text('ar', 'registration:ask.language').split('\n')[0]!);
    expect(sent[0]!.activity.locale).toBe('ar');
  });

  it('brings a helper call to a volunteer in Teams as a card; it turns into "filled" in place when others take the places', async () => {
    const [driver] = await seedVolunteers(db.database.prisma, service.url, [{ activities: ['driving'], languages: ['de'] }]);
    const post = (title: string) =>
      service.app.calls.posting.post(organisation, null, { activity: 'driving', title, description: 'Kisten zur Tafel', place: 'Göttingen', startsAt: new Date(Date.now() + 30 * 3600_000), endsAt: new Date(Date.now() + 32 * 3600_000), helpersNeeded: 1 });
    const first = await post('Fahrdienst Tafel');
    const before = connector.in(clara.conversationId).length;
    await service.app.worker.drain();
    const notification = connector.in(clara.conversationId).slice(before).filter((r) => r.route !== 'update');
    expect(notification).toHaveLength(1);
    const card = notification[0]!.activity.attachments![0]!.content;
    expect(textOf(card)).toContain('Fahrdienst Tafel');
    expect(card.actions!.map((a) => [a.type, a.title])).toEqual([
      ['Action.Submit', text('de', 'calls:accept')],
      ['Action.Submit', text('de', 'calls:decline')],
    ]);

    // The web volunteer is quicker: Clara's card says so, in place.
    await driver!.chat.send({ type: 'choice', token: `call:${first.id}`, values: ['accept'] });
    await service.app.worker.drain();
    const now = connector.messages.get(`${clara.conversationId}/${notification[0]!.activityId}`)!;
    expect(textOf(now.attachments![0]!.content)).toBe(text('de', 'calls:filledNotice', { title: 'Fahrdienst Tafel' }));
    expect(now.attachments![0]!.content.actions ?? []).toEqual([]);

    // The next one Clara takes herself, with one tap; the answer comes without the menu again.
    const second = await post('Fahrdienst Kleiderkammer');
    await service.app.worker.drain();
    const offer = clara.latestCard();
    expect(textOf(offer.card)).toContain('Fahrdienst Kleiderkammer');
    const accepted = await clara.press((a) => a.data.value === 'accept', {}, offer);
    expect(accepted.sent).toHaveLength(1);
    expect(accepted.sent[0]!.activity.text).toContain(text('de', 'calls:accepted').split('{{')[0]!);
    expect(await db.database.prisma.helperCall.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({ status: 'full', acceptedCount: 1 });
    await letTimePass(5);
  });

  it('tells the coordinator in Teams when a call is full, after a restart of the service', async () => {
    await clara.say('/call');
    await clara.press((a) => a.data.hr === 'call-form', { activity: 'translating', title: 'Sprachcafé', place: 'Göttingen', date: tomorrow(), startTime: '15:00', endTime: '17:00', helpers: '1', deadline: '1' });
    const call = await db.database.prisma.helperCall.findFirstOrThrow({ where: { title: 'Sprachcafé' } });
    const statusId = clara.latestCard().activityId;
    await service.app.worker.drain();
    const asked = await db.database.prisma.callResponse.findMany({ where: { callId: call.id } });
    const helper = volunteers.find((v) => asked.some((r) => r.personId === v.id))!;
    // The volunteer accepts in the web chat, and this instance stops before it tells anyone.
    const accepted = await helper.chat.send({ type: 'choice', token: `call:${call.id}`, values: ['accept'] });
    expect(accepted.messages[0]!.text).toContain(text('de', 'calls:accepted').split('{{')[0]!);
    await service.close();

    service = await startApp(db.database, LOCAL);
    clara.botUrl = service.url;
    const before = connector.in(clara.conversationId).length;
    await letTimePass(5);
    const after = connector.in(clara.conversationId).slice(before);
    const told = after.filter((r) => r.route !== 'update');
    expect(sentText(told)).toBe(text('de', 'calls:coordinatorFull', { title: 'Sprachcafé', count: '1' }));
    expect(told[0]!.conversationId).toBe('a:personal-clara');
    // The status card is edited in place (once per debounce window that saw a change), never sent anew.
    const updated = after.filter((r) => r.route === 'update');
    expect(updated.length).toBeGreaterThan(0);
    expect(new Set(updated.map((u) => u.activityId))).toEqual(new Set([statusId]));
    expect(textOf(clara.statusCard().card)).toContain(`${text('de', 'calls:status.state.full')}`);
  });

  it('turns throttling into "rate-limited" and a removed bot into "unreachable"', async () => {
    const messenger = service.app.messengers.get('teams')!;
    const message = { locale: 'de', messages: [{ key: 'calls:closed' }] };
    // botbuilder itself retries a 429 that names Retry-After (three times); then the job queue takes over.
    connector.failNext(429, { 'Retry-After': '1' }, 4);
    const throttled = await messenger.send('29:clara', message).catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(DeliveryError);
    expect(throttled).toMatchObject({ failure: 'rate-limited', retryAfterMs: 1000 });
    connector.clearFailures();
    connector.failNext(403);
    await expect(messenger.send('29:clara', message)).rejects.toMatchObject({ failure: 'unreachable' });
    connector.failNext(404);
    await expect(messenger.send('29:clara', message)).rejects.toMatchObject({ failure: 'unreachable' });
    await expect(messenger.send('29:nobody', message)).rejects.toMatchObject({ failure: 'unreachable' });
  });
});

describe('Microsoft Teams authentication', () => {
  let db: TestDatabase;
  let connector: LocalBotConnector;

  beforeAll(async () => {
    db = await backends[0]!.create();
    connector = await LocalBotConnector.start();
  });
  afterAll(async () => {
    await connector?.close();
    await db?.destroy();
  });

  it('rejects a request without a Bot Framework token (401) when authentication is on, and runs no turn', async () => {
    const service = await startApp(db.database, {
      MICROSOFT_APP_ID: '00000000-0000-4000-8000-000000000001',
      MICROSOFT_APP_PASSWORD: 'not-a-real-secret',
      MICROSOFT_APP_TENANT_ID: '00000000-0000-4000-8000-000000000002',
    });
    try {
      const user = new TeamsUser(connector, service.url, { userId: '29:eve', conversationId: 'a:personal-eve' });
      const anonymous = await user.post(user.activity({ text: '/help' }));
      expect(anonymous.status).toBe(401);
      expect(anonymous.sent).toEqual([]);
      const forged = await new TeamsUser(connector, service.url, { userId: '29:eve', conversationId: 'a:personal-eve' }, 'Bearer not.a.token').post(user.activity({ text: '/help' }));
      expect(forged.status).toBe(401);
      expect(forged.sent).toEqual([]);
      expect(await db.database.prisma.conversation.count({ where: { channel: 'teams' } })).toBe(0);
      expect(service.logs.join('')).not.toContain('TEAMS_UNAUTHENTICATED');
    } finally {
      await service.close();
    }
  });

  it('is off without configuration, and says so at start-up', async () => {
    const service = await startApp(db.database, {});
    try {
      expect(service.logs.join('')).toContain('Microsoft Teams is off');
      expect(service.app.messengers.has('teams')).toBe(false);
      const response = await fetch(`${service.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(response.status).toBe(404);
    } finally {
      await service.close();
    }
  });
});
