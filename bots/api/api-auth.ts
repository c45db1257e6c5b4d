import type { NextFunction, Request, Response } from 'express';
import { apiKeyHash, type Organisation, type Store } from '../../core/index.js';

/** What `AdminService.issueApiKey` hands out: `hr_` and 24 random bytes in base64url. */
const KEY_FORMAT = /^hr_[A-Za-z0-9_-]{32}$/;

/**
 * Failed authentications per client address, as a token bucket: a burst of
 * `perMinute`, then one more every 60/perMinute seconds. In memory and per
 * instance: it slows down guessing, it is not a quota.
 */
export class FailedAuthLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute = 10,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until this address may try again, or 0 if it may now. */
  retryAfter(address: string): number {
    const tokens = this.refill(address).tokens;
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 60) / this.perMinute);
  }

  fail(address: string): void {
    const bucket = this.refill(address);
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    this.buckets.set(address, bucket);
    if (this.buckets.size > 10_000) this.prune();
  }

  private refill(address: string) {
    const now = this.now();
    const bucket = this.buckets.get(address);
    if (!bucket) return { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.at) / 60_000) * this.perMinute);
    bucket.at = now;
    return bucket;
  }

  /** A full bucket says nothing: forget it. */
  private prune() {
    for (const address of [...this.buckets.keys()]) if (this.refill(address).tokens >= this.perMinute) this.buckets.delete(address);
  }
}

export type Deny = (res: Response, status: 401 | 429, retryAfterSeconds?: number) => void;

/**
 * `Authorization: Bearer <key>` → the key's organisation in `res.locals`. A
 * missing, malformed, unknown or revoked key all get the same answer, so the
 * answer tells nothing about which keys exist.
 */
export function bearerAuth(store: Pick<Store, 'apiKeys' | 'organisations'>, limiter: FailedAuthLimiter, deny: Deny) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const address = req.ip ?? 'unknown';
      const wait = limiter.retryAfter(address);
      if (wait > 0) return deny(res, 429, wait);
      const key = /^Bearer +(\S+) *$/i.exec(req.get('authorization') ?? '')?.[1];
      const apiKey = key && KEY_FORMAT.test(key) ? await store.apiKeys.findActiveByHash(apiKeyHash(key)) : null;
      const organisation = apiKey ? await store.organisations.findById(apiKey.organisationId) : null;
      if (!organisation) {
        limiter.fail(address);
        return deny(res, 401);
      }
      res.locals.organisation = organisation;
      res.locals.apiKeyId = apiKey!.id;
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** The organisation `bearerAuth` let in. */
export function organisationOf(res: Response): Organisation {
  return res.locals.organisation as Organisation;
}
