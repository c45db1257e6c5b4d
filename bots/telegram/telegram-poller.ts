import { BotError, GrammyError, HttpError, type Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { StoreUnavailableError, type Leases } from '../../core/index.js';
import { ALLOWED_UPDATES, type TelegramLog } from './telegram-bot.js';
import { errorFacts } from './telegram-errors.js';

/** A 409 from Telegram is logged at most this often. */
const CONFLICT_LOG_EVERY_MS = 15 * 60_000;

export interface TelegramPollerOptions {
  bot: Bot;
  leases: Leases;
  /** This instance, as the lease's holder. */
  holder: string;
  /**
   * How long the lease lasts unrenewed: the longest a dead holder keeps the others waiting.
   * The holder renews it every third of this, and a long poll waits at most a third of it.
   */
  leaseMs: number;
  /** The longest pause between two attempts at a failing update or a refused poll. */
  maxBackoffMs?: number;
  log: TelegramLog;
}

/**
 * Long polling with one token from any number of instances: Telegram answers a
 * second concurrent getUpdates with 409 Conflict, so only the holder of a lease
 * in the database polls; the others stand by and take the lease over when the
 * holder stops, or when it dies and its lease expires. The offset lives with the
 * lease, so the next holder confirms what the last one handled.
 *
 * An update whose handling failed because the database was briefly gone is not
 * confirmed: it is tried again (with backoff) before the ones after it. The
 * engine applies a replayed event once, so trying again is safe.
 */
export class TelegramPoller {
  private stopped = true;
  private holding = false;
  private offset = 0;
  private loop: Promise<void> | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private abort: AbortController | null = null;
  private conflictLoggedAt = -Infinity;
  private readonly name: string;

  constructor(private readonly options: TelegramPollerOptions) {
    // The bot's id is the token's part before the colon: not a secret, and the same for every instance.
    this.name = `telegram-polling:${options.bot.token.split(':')[0]}`;
  }

  /** Whether this instance holds the lease (and so is the one that polls). */
  get polling(): boolean {
    return this.holding && !this.stopped;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.heartbeat = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.options.leaseMs / 3)));
    this.loop = this.run();
  }

  /** Stops polling and gives the lease (with the offset handled so far) to the next instance at once. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.abort?.abort();
    this.wake?.();
    await this.loop;
    this.loop = null;
    if (this.holding) {
      await this.saveOffset();
      await this.options.leases.release(this.name, this.options.holder).catch(() => undefined);
      this.holding = false;
    }
  }

  private async renew(): Promise<boolean> {
    if (this.stopped) return false;
    const { leases, holder, leaseMs, log } = this.options;
    try {
      const lease = await leases.acquire(this.name, holder, leaseMs);
      if (lease.held && !this.holding) {
        this.offset = Math.max(this.offset, Number(lease.state ?? 0) || 0);
        log.info({ mode: 'polling', bot: this.options.bot.botInfo.username }, 'Telegram bot is polling for updates (this instance holds the polling lease)');
      }
      if (!lease.held && this.holding) {
        log.warn({ mode: 'polling' }, 'another instance took over polling Telegram');
        // A long poll of ours still open would draw a 409 for the new holder.
        this.abort?.abort();
      }
      if (lease.held && !this.holding) this.wake?.();
      this.holding = lease.held;
    } catch (error) {
      // Without the database nobody can take the lease over either, so the holder keeps polling: the person hears
      // "one moment" and the update is tried again. Should another instance take it meanwhile, Telegram's 409 sorts it out.
      log.warn({ err: errorFacts(error), holding: this.holding }, 'the polling lease could not be renewed');
    }
    return this.holding;
  }

  private async run(): Promise<void> {
    const { bot, log, leaseMs } = this.options;
    const maxBackoff = this.options.maxBackoffMs ?? 10_000;
    const pollSeconds = Math.max(1, Math.min(30, Math.floor(leaseMs / 3000)));
    let backoff = 0;
    if (!(await this.renew())) log.info({ mode: 'polling' }, 'another instance polls Telegram; this one stands by to take over');
    while (!this.stopped) {
      if (backoff > 0) {
        await this.sleep(backoff);
        if (this.stopped) break;
      }
      if (!this.holding) {
        await this.sleep(Math.floor(leaseMs / 3));
        continue;
      }
      let updates: Update[];
      this.abort = new AbortController();
      try {
        updates = await bot.api.getUpdates({ offset: this.offset, timeout: pollSeconds, limit: 100, allowed_updates: [...ALLOWED_UPDATES] }, this.abort.signal as never);
      } catch (error) {
        if (this.stopped || !this.holding) continue;
        if (error instanceof GrammyError && error.error_code === 409) {
          // Once, not on every attempt: a second poller can stay for hours and would flood the log.
          if (Date.now() - this.conflictLoggedAt > CONFLICT_LOG_EVERY_MS) {
            log.error({ err: errorFacts(error) }, 'Telegram refused polling: another process polls with this token, or a webhook is set; backing off');
            this.conflictLoggedAt = Date.now();
          }
        } else if (!(error instanceof HttpError && this.abort.signal.aborted)) {
          log.warn({ err: errorFacts(error) }, 'polling Telegram failed; trying again');
        }
        backoff = Math.min(maxBackoff, Math.max(500, backoff * 2));
        continue;
      } finally {
        this.abort = null;
      }
      backoff = 0;
      for (const update of updates) {
        if (this.stopped) break;
        try {
          await bot.handleUpdate(update);
        } catch (error) {
          const cause = error instanceof BotError ? error.error : error;
          if (cause instanceof StoreUnavailableError) {
            // Not confirmed: the next poll returns it again, in front of the ones after it.
            log.warn({ updateId: update.update_id }, 'a Telegram update waits for the database; it is tried again');
            backoff = Math.min(maxBackoff, Math.max(500, backoff * 2));
            break;
          }
          // The error boundary told the person; an update that can never succeed is not retried forever.
          log.error({ updateId: update.update_id, err: errorFacts(cause) }, 'a Telegram update escaped the error boundary');
        }
        this.offset = update.update_id + 1;
      }
      if (updates.length > 0) await this.saveOffset();
    }
  }

  private async saveOffset(): Promise<void> {
    if (this.offset === 0) return;
    await this.options.leases.save(this.name, this.options.holder, String(this.offset)).catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
