import { GrammyError, HttpError } from 'grammy';
import { DeliveryError } from '../../core/index.js';

/** Telegram's words for "this person cannot be reached by the bot any more". */
const UNREACHABLE = /bot was blocked by the user|user is deactivated|bot was kicked|bot can't initiate conversation|chat not found/i;

/**
 * A failed Bot API call as the core understands it: 429 waits for
 * `retry_after`, a person who blocked the bot is unreachable, a server or
 * network error is transient. Anything else is a bug of ours and stays as it is.
 */
export function deliveryError(error: unknown): unknown {
  if (error instanceof GrammyError) {
    if (error.error_code === 429) return new DeliveryError('rate-limited', `429 ${error.method}`, (error.parameters.retry_after ?? 1) * 1000);
    if ((error.error_code === 403 || error.error_code === 400) && UNREACHABLE.test(error.description)) return new DeliveryError('unreachable', `${error.error_code} ${error.method}`);
    if (error.error_code >= 500) return new DeliveryError('transient', `${error.error_code} ${error.method}`);
    return error;
  }
  if (error instanceof HttpError) return new DeliveryError('transient', error.message);
  return error;
}

/** The message can no longer be edited (deleted, too old): send it anew instead. */
export function isGoneForEditing(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /message to edit not found|message can't be edited|MESSAGE_ID_INVALID/i.test(error.description);
}

/** Editing to exactly what is shown already: nothing to do. */
export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /message is not modified/i.test(error.description);
}

/** What may be logged about a Bot API error: method and code, never the payload (it holds personal data). */
export function errorFacts(error: unknown): Record<string, string | number> {
  if (error instanceof GrammyError) return { method: error.method, code: error.error_code, description: error.description.slice(0, 120) };
  if (error instanceof DeliveryError) return { failure: error.failure, message: error.message };
  if (error instanceof Error) return { name: error.name, message: error.message.slice(0, 200) };
  return { message: 'non-error thrown' };
}
