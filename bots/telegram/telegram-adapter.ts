import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { Api, Bot, BotError } from 'grammy';
import type { Update } from 'grammy/types';
import { z } from 'zod';
import { StoreUnavailableError, type IdentityRepository, type IncomingEvent, type Leases, type RateSlots, type TurnResult } from '../../core/index.js';
import { ALLOWED_UPDATES, installHandlers, type TelegramLog } from './telegram-bot.js';
import { errorFacts } from './telegram-errors.js';
import { SendSlots } from './telegram-limits.js';
import { TelegramMessenger, type TelegramMessageStore } from './telegram-messenger.js';
import { TelegramPoller } from './telegram-poller.js';
import type { Renderer } from './telegram-renderer.js';
import { telegramFiles, type TelegramPhotos } from './telegram-photos.js';

export const TELEGRAM_CHANNEL = 'telegram';

/**
 * The commands shown in Telegram's menu, each described in every language (`telegram:command.<name>`):
 * what a volunteer uses (one list per language, not per role).
 * The commands of writers, coordinators and moderators work too; /help names them.
 */
export const MENU_COMMANDS = ['start', 'help', 'profile', 'language', 'calls', 'commitments', 'report', 'calendar', 'read', 'events', 'trainings', 'needs', 'offers', 'post', 'follow', 'request', 'mine', 'pause', 'resume', 'export', 'delete', 'cancel'] as const;

export interface TelegramSettings {
  token: string;
  /** The Bot API server: Telegram's, or a self-hosted one. */
  apiRoot: string;
  /** Set: Telegram posts updates here; unset: the bot polls. */
  webhook: { url: string; secret: string } | null;
  /** Polling: how long the lease of the one polling instance lasts unrenewed (the longest takeover). */
  pollingLeaseMs?: number;
}

export interface TelegramAdapterOptions {
  settings: TelegramSettings;
  engine: { handle(event: IncomingEvent): Promise<TurnResult> };
  renderer: Renderer;
  defaultLocale: string;
  identities: Pick<IdentityRepository, 'markUnreachable' | 'markReachable'>;
  messages: TelegramMessageStore;
  slots: RateSlots;
  /** Polling: the lease that lets one instance of the deployment poll. */
  leases: Leases;
  /** This instance, as the lease's holder. */
  instanceId: string;
  log: TelegramLog & { debug(obj: object, msg?: string): void };
  /** Stored photos to send, and the largest a person may send. */
  photos?: TelegramPhotos;
}

const updateShape = z.looseObject({ update_id: z.number().int().nonnegative() });

/**
 * The Telegram channel: the grammy bot, its messenger for messages the
 * service sends on its own, and how updates arrive (long polling, or a
 * webhook behind express that any number of instances can serve).
 */
export class TelegramAdapter {
  readonly bot: Bot;
  readonly messenger: TelegramMessenger;
  private poller: TelegramPoller | null = null;

  constructor(private readonly options: TelegramAdapterOptions) {
    const { settings, log } = options;
    this.bot = new Bot(settings.token, { client: { apiRoot: settings.apiRoot } });
    const slots = new SendSlots(options.slots, TELEGRAM_CHANNEL);
    const photos = options.photos;
    const files = photos ? telegramFiles(this.bot.api, settings.apiRoot, settings.token, photos.maxBytes) : undefined;
    installHandlers(this.bot, { channel: TELEGRAM_CHANNEL, engine: options.engine, renderer: options.renderer, defaultLocale: options.defaultLocale, identities: options.identities, slots, log, ...(files ? { files } : {}), ...(photos ? { photos } : {}) });
    this.bot.catch((error) => log.error({ updateId: error.ctx.update.update_id, err: errorFacts(error.error) }, 'a Telegram update escaped the error boundary'));
    // The messenger's sends are paced by the delivery jobs (its `limits`), so it gets an Api of its own without the bot's pacing.
    const api = new Api(settings.token, { apiRoot: settings.apiRoot });
    this.messenger = new TelegramMessenger(TELEGRAM_CHANNEL, api, options.renderer, options.messages, slots, log, photos);
  }

  get mode(): 'webhook' | 'polling' {
    return this.options.settings.webhook ? 'webhook' : 'polling';
  }

  /** The route Telegram posts updates to; only in webhook mode, mounted at the webhook URL's path. */
  webhookRouter(): Router {
    const webhook = this.options.settings.webhook;
    if (!webhook) throw new Error('webhookRouter() needs TELEGRAM_WEBHOOK_URL');
    const { log } = this.options;
    const path = new URL(webhook.url).pathname;
    const expected = Buffer.from(webhook.secret);
    const router = express.Router();

    router.post(
      path,
      (req, res, next) => {
        const given = Buffer.from(req.get('x-telegram-bot-api-secret-token') ?? '');
        if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
        log.warn({ route: 'telegram-webhook' }, 'a webhook request without the right secret token was refused');
        res.status(401).type('text/plain').send('Unauthorized');
      },
      express.json({ limit: '1mb' }),
      async (req: Request, res: Response) => {
        const parsed = updateShape.safeParse(req.body);
        if (!parsed.success) {
          // The body may hold a person's message: only that it was malformed is logged.
          log.warn({ route: 'telegram-webhook', reason: 'not an update' }, 'a malformed Telegram update was refused');
          res.status(400).type('text/plain').send('Bad Request: not a Telegram update');
          return;
        }
        try {
          if (!this.bot.isInited()) await this.bot.init();
          await this.bot.handleUpdate(parsed.data as unknown as Update);
          res.status(200).end();
        } catch (error) {
          // Any answer but 2xx makes Telegram deliver the update again later; the core applies it once.
          const cause = error instanceof BotError ? error.error : error;
          if (cause instanceof StoreUnavailableError) {
            res.status(503).type('text/plain').send('Service Unavailable: the database is briefly gone; deliver again');
            return;
          }
          log.error({ route: 'telegram-webhook', updateId: parsed.data.update_id, err: errorFacts(error) }, 'a Telegram update failed');
          res.status(500).type('text/plain').send('Internal error');
        }
      },
    );
    router.use(path, (error: unknown, _req: Request, res: Response, next: NextFunction) => {
      if ((error as { type?: string }).type !== 'entity.parse.failed' && (error as { type?: string }).type !== 'entity.too.large') return next(error);
      log.warn({ route: 'telegram-webhook', reason: (error as { type: string }).type }, 'a malformed Telegram update was refused');
      res.status(400).type('text/plain').send('Bad Request: malformed JSON');
    });
    return router;
  }

  /**
   * Connects to Telegram: learns the bot's name, sets the command menu in every
   * language, then registers the webhook or starts polling (in the background).
   */
  async start(): Promise<void> {
    const { settings, log } = this.options;
    await this.bot.init();
    await this.setCommands().catch((error: unknown) => log.warn({ err: errorFacts(error) }, 'the Telegram command menu could not be set'));
    if (settings.webhook) {
      await this.bot.api.setWebhook(settings.webhook.url, { secret_token: settings.webhook.secret, allowed_updates: [...ALLOWED_UPDATES], max_connections: 40 });
      log.info({ mode: 'webhook', bot: this.bot.botInfo.username }, 'Telegram bot is receiving updates by webhook');
      return;
    }
    this.poller = new TelegramPoller({ bot: this.bot, leases: this.options.leases, holder: this.options.instanceId, leaseMs: settings.pollingLeaseMs ?? 30_000, log });
    this.poller.start();
  }

  /** Polling: whether this instance is the one that polls (holds the lease); the others stand by. */
  get polling(): boolean {
    return this.poller?.polling ?? false;
  }

  /** Stops polling and hands the lease with the offset handled so far to the next instance; in webhook mode the other instances go on serving. */
  async stop(): Promise<void> {
    await this.poller?.stop();
    this.poller = null;
  }

  private async setCommands(): Promise<void> {
    const { renderer, defaultLocale } = this.options;
    const list = (locale: string) => MENU_COMMANDS.map((command) => ({ command, description: renderer.render(locale, { key: `telegram:command.${command}` }) }));
    await this.bot.api.setMyCommands(list(defaultLocale));
    for (const { code } of renderer.locales) await this.bot.api.setMyCommands(list(code), { language_code: code as never });
  }
}
