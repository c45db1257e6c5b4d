import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import { hostname } from 'node:os';
import {
  CallAnswers,
  CallCoordination,
  CallDispatcher,
  CallForms,
  CallManagement,
  CallPosting,
  callJobHandlers,
  callStatusJobHandler,
  currentCallStatus,
  createConversationEngine,
  DEFAULT_DISPATCH,
  ensureDefaultRegion,
  JobWorker,
  processSlots,
  boardJobHandlers,
  moderationJobHandlers,
  moderatorNoticeJobHandlers,
  photoForViewer,
  withInformationFanOut,
  qaPublicationJobHandlers,
  type ConversationEngine,
  type ConversationServices,
  type MessengerPort,
  type RateSlots,
  type Store,
} from '../core/index.js';
import { jobQueue } from '../prisma/repositories/job-repository.js';
import { rateSlots } from '../prisma/repositories/rate-slots.js';
import { leases } from '../prisma/repositories/lease-repository.js';
import { WEB_CHANNEL, WebMessenger, webChatRouter } from '../bots/web/index.js';
import { calendarFeedRouter } from '../bots/web/calendar-feed.js';
import { boardFeedRouter } from '../bots/web/board-feed.js';
import { apiRouter } from '../bots/api/index.js';
import { MATRIX_CHANNEL, MatrixBot, MatrixMessenger } from '../bots/matrix/index.js';
import { matrixStore } from '../prisma/repositories/matrix-repository.js';
import { TELEGRAM_CHANNEL, TelegramAdapter } from '../bots/telegram/index.js';
import { telegramMessageStore } from '../prisma/repositories/telegram-message-store.js';
import { isUnavailable, prismaStore } from '../prisma/store.js';
import { createTeamsAdapter, TEAMS_CHANNEL, TeamsMessenger, teamsRouter } from '../bots/teams/index.js';
import { teamsStore } from '../prisma/repositories/teams-repository.js';
import { webInboxStore } from '../prisma/repositories/sent-message-repository.js';
import { ConfigError, type Config } from './config.js';
import type { Database } from './database.js';
import { createTranslations, type Translations } from './i18n.js';
import type { Logger } from './logger.js';
import { placeLookup } from './places/place-lookup.js';
import { createHttpApp } from './server.js';
import { loadWordLists } from './moderation/word-lists.js';

export interface App {
  http: Express;
  /** Every channel's messenger, for messages the service sends on its own. */
  messengers: Map<string, MessengerPort>;
  engine: ConversationEngine;
  store: Store;
  translations: Translations;
  calls: { posting: CallPosting; dispatcher: CallDispatcher; coordination: CallCoordination };
  /** Runs waves, notifications and deadlines; started by the service, drained by tests. */
  worker: JobWorker;
  /** The Matrix bot when MATRIX_* is configured; started by the service (app/main.ts), or by tests. */
  matrix: MatrixBot | null;
  /** The Telegram bot, when TELEGRAM_BOT_TOKEN is set; started and stopped by the service. */
  telegram: TelegramAdapter | null;
}

const embeddedSlots = new WeakMap<Database, RateSlots>();

/**
 * The send slots of every sender in the service. PostgreSQL's are in the database, shared by every
 * instance. The embedded database serves one process (its directory is locked), so its slots live
 * in that process (`processSlots`): no database round trip per send, and a send the busy event loop
 * made late keeps its slot. One set per database, so instances composed on the same one (tests) share it.
 */
function sendSlots(db: Database): RateSlots {
  if (db.kind === 'postgres') return rateSlots(db.prisma);
  const slots = embeddedSlots.get(db) ?? processSlots();
  embeddedSlots.set(db, slots);
  return slots;
}

/**
 * The composition root: builds the whole service for one configuration and
 * an open database. Everything is wired by hand here, nowhere else.
 */
export async function composeApp(config: Config, db: Database, log: Logger): Promise<App> {
  const translations = await createTranslations(config.defaultLocale);
  if (!translations.locales.some((l) => l.code === config.defaultLocale)) {
    throw new ConfigError(`DEFAULT_LOCALE must be one of ${translations.locales.map((l) => l.code).join(', ')} (got "${config.defaultLocale}").`);
  }
  const store = prismaStore(db.prisma, db.sql);
  const slots = sendSlots(db);
  /** This instance: the job worker's and the Telegram polling lease's holder id. */
  const instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  await ensureDefaultRegion(store, { name: config.region.name, controllerName: config.region.controller, contactEmail: config.region.contact });

  const services: ConversationServices = {
    places: await placeLookup(),
    locales: translations.locales,
    defaultLocale: config.defaultLocale,
    render: (locale, message) => translations.render(locale, message),
    now: () => new Date(),
    newId: () => randomUUID(),
    publicUrl: config.publicUrl,
    moderation: { roleRequestWaitDays: config.moderation.roleRequestWaitDays, wordLists: loadWordLists(config.moderation.wordListsDir), commentModeration: config.moderation.commentModeration },
    board: config.board,
  };
  // Each answer that changes a call's tally enqueues the status update itself, in the same step.
  const answers = new CallAnswers(store, services.now, config.calls.reminderHours);
  const posting = new CallPosting(store, services.places, services.now, services.newId, config.defaultLocale);
  const coordination = new CallCoordination(store, services.now);
  const management = new CallManagement(store, coordination, async (regionId) => (await store.regions.findById(regionId))?.timeZone ?? 'Europe/Berlin', services.now);
  const engine = createConversationEngine(store, services, [answers, management], posting);

  const inbox = webInboxStore(db.prisma, WEB_CHANNEL);
  const messengers = new Map<string, MessengerPort>([[WEB_CHANNEL, new WebMessenger(inbox, translations, WEB_CHANNEL)]]);
  // Asked per turn, so channels added below count too.
  services.attachments = { maxBytes: config.attachmentMaxBytes, imagesOn: (channel) => messengers.get(channel)?.capabilities.images === true };

  let matrix: MatrixBot | null = null;
  if (config.matrix) {
    const matrixData = matrixStore(db.prisma, MATRIX_CHANNEL);
    matrix = new MatrixBot({
      ...config.matrix,
      engine,
      renderer: translations,
      store: matrixData,
      defaultLocale: config.defaultLocale,
      localeOf: async (userId) => (await store.people.findByIdentity(MATRIX_CHANNEL, userId))?.locale ?? null,
      isUnavailable,
      log: log.child({ channel: 'matrix' }),
      photos: { load: (id) => store.attachments.bytes(id) },
    });
    messengers.set(MATRIX_CHANNEL, new MatrixMessenger(matrixData, matrix.sender, { perSecond: config.matrix.messagesPerSecond }));
  }

  const http = createHttpApp({ trustProxy: config.trustProxy, log, ready: () => db.ping() });
  http.use('/api/v1', apiRouter({ store, posting, coordination, renderer: translations, log: log.child({ channel: 'api' }), publicUrl: config.publicUrl, isUnavailable }));
  http.use(
    webChatRouter({
      inbox,
      engine,
      renderer: translations,
      defaultLocale: config.defaultLocale,
      secureCookies: config.secureCookies,
      log: log.child({ channel: 'web' }),
      photos: { maxBytes: config.attachmentMaxBytes, forViewer: (address, id) => photoForViewer(store, WEB_CHANNEL, address, id) },
    }),
  );
  if (config.teams) {
    const teamsLog = log.child({ channel: TEAMS_CHANNEL });
    if (!config.teams.authenticated) teamsLog.warn({ code: 'TEAMS_UNAUTHENTICATED' }, 'Microsoft Teams runs WITHOUT authentication (TEAMS_ALLOW_UNAUTHENTICATED=true): anyone who reaches /api/messages can act as any user. For local testing only.');
    else teamsLog.info({ appType: config.teams.appType }, 'Microsoft Teams is on at POST /api/messages');
    const adapter = createTeamsAdapter(config.teams);
    const teams = teamsStore(db.prisma, TEAMS_CHANNEL);
    messengers.set(TEAMS_CHANNEL, new TeamsMessenger(TEAMS_CHANNEL, adapter, config.teams.authenticated ? config.teams.appId : '', teams, translations));
    http.use(
      teamsRouter({
        adapter,
        engine,
        forms: new CallForms(store, posting, services.now, services.newId, config.defaultLocale),
        callStatus: (callId, locale) => currentCallStatus(store, callId, locale, services.now()),
        store: teams,
        renderer: translations,
        defaultLocale: config.defaultLocale,
        log: teamsLog,
        authenticated: config.teams.authenticated,
      }),
    );
  } else {
    log.info({ channel: TEAMS_CHANNEL }, 'Microsoft Teams is off: set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID to turn it on');
  }
  http.use(calendarFeedRouter({ store, renderer: translations, log: log.child({ component: 'calendar-feed' }) }));
  http.use(boardFeedRouter({ store, renderer: translations, log: log.child({ component: 'board-feed' }), defaultLocale: config.defaultLocale }));
  let telegram: TelegramAdapter | null = null;
  if (config.telegram) {
    telegram = new TelegramAdapter({
      settings: config.telegram,
      engine,
      renderer: translations,
      defaultLocale: config.defaultLocale,
      identities: store.identities,
      messages: telegramMessageStore(db.prisma, TELEGRAM_CHANNEL),
      slots,
      leases: leases(db.prisma),
      instanceId,
      log: log.child({ channel: TELEGRAM_CHANNEL }),
      photos: { maxBytes: config.attachmentMaxBytes, load: (id) => store.attachments.bytes(id) },
    });
    messengers.set(TELEGRAM_CHANNEL, telegram.messenger);
    if (config.telegram.webhook) http.use(telegram.webhookRouter());
  } else {
    log.info({ channel: TELEGRAM_CHANNEL }, 'Telegram is off: TELEGRAM_BOT_TOKEN is not set');
  }
  const dispatcher = new CallDispatcher(store, { ...DEFAULT_DISPATCH, ...config.calls }, services.now);
  const worker = new JobWorker({
    queue: jobQueue(db.prisma),
    workerId: instanceId,
    handlers: {
      ...callJobHandlers({ store, dispatcher, messengers, slots, now: services.now }),
      ...withInformationFanOut(moderationJobHandlers({ store, messengers, slots, now: services.now }), {
        store,
        messengers,
        slots,
        now: services.now,
        quietHours: config.calls.quietHours,
      }),
      ...boardJobHandlers({ store, messengers, slots, now: services.now }),
      ...qaPublicationJobHandlers({ store, messengers, slots, now: services.now }),
      ...moderatorNoticeJobHandlers({ store, now: services.now, settings: { ...config.moderatorNotices, quietHours: config.calls.quietHours } }),
      'call.status': callStatusJobHandler({ store, messengers, now: services.now, defaultLocale: config.defaultLocale }),
    },
    lockMs: config.jobLockMs,
    log: log.child({ component: 'jobs' }),
  });
  return { http, messengers, engine, store, translations, calls: { posting, dispatcher, coordination }, worker, matrix, telegram };
}
