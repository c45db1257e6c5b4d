import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../core/index.js';
import { deliveryError, errorFacts, isGoneForEditing, isNotModified } from './telegram-errors.js';

const apiError = (error_code: number, description: string, retry_after?: number) =>
  new GrammyError('Call failed', { ok: false, error_code, description, ...(retry_after ? { parameters: { retry_after } } : {}) }, 'sendMessage', { chat_id: 1, text: 'Anna Schmidt' });

describe('Telegram errors as the core understands them', () => {
  it('turns 429 into rate-limited with Telegram’s retry_after in milliseconds', () => {
    expect(deliveryError(apiError(429, 'Too Many Requests: retry after 7', 7))).toMatchObject({ failure: 'rate-limited', retryAfterMs: 7000 });
  });

  it.each(['Forbidden: bot was blocked by the user', 'Forbidden: user is deactivated', 'Forbidden: bot was kicked from the group chat'])('marks "%s" unreachable', (description) => {
    expect(deliveryError(apiError(403, description))).toMatchObject({ failure: 'unreachable' });
  });

  it('treats server and network errors as transient, and leaves our own mistakes as they are', () => {
    expect(deliveryError(apiError(502, 'Bad Gateway'))).toMatchObject({ failure: 'transient' });
    expect(deliveryError(new HttpError("Network request for 'sendMessage' failed!", new Error('ECONNRESET')))).toMatchObject({ failure: 'transient' });
    const ours = apiError(400, "Bad Request: can't parse entities");
    expect(deliveryError(ours)).toBe(ours);
    expect(deliveryError(ours)).not.toBeInstanceOf(DeliveryError);
  });

  it('recognises a message that cannot be edited any more, or is unchanged', () => {
    expect(isGoneForEditing(apiError(400, 'Bad Request: message to edit not found'))).toBe(true);
    expect(isNotModified(apiError(400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same'))).toBe(true);
    expect(isGoneForEditing(apiError(429, 'Too Many Requests'))).toBe(false);
  });

  it('logs method and code, never the payload', () => {
    expect(JSON.stringify(errorFacts(apiError(403, 'Forbidden: bot was blocked by the user')))).not.toContain('Anna');
  });
});
