import type { ParamValue } from './messages.js';

/**
 * Stable error codes. Each channel's error boundary turns a code into the
 * translated message `errors:<code>`; the code itself never changes meaning.
 */
export const ErrorCode = {
  NotRegistered: 'NOT_REGISTERED',
  RoleRequired: 'ROLE_REQUIRED',
  PersonNotFound: 'PERSON_NOT_FOUND',
  RegionNotFound: 'REGION_NOT_FOUND',
  OrganisationNotFound: 'ORGANISATION_NOT_FOUND',
  EmailInUse: 'EMAIL_IN_USE',
  RegionExists: 'REGION_EXISTS',
  OrganisationExists: 'ORGANISATION_EXISTS',
  AmbiguousPerson: 'AMBIGUOUS_PERSON',
  ApiKeyNotFound: 'API_KEY_NOT_FOUND',
  InvalidInput: 'INVALID_INPUT',
  NotFound: 'NOT_FOUND',
  ConversationBusy: 'CONVERSATION_BUSY',
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  Unexpected: 'UNEXPECTED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An expected failure with a stable code; safe to show (translated) to a user. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly params: Record<string, ParamValue> = {},
  ) {
    super(message ?? code);
    this.name = 'DomainError';
  }
}

/** A storage that is briefly unreachable; the caller may retry, nothing was applied. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The database is not reachable', { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** Optimistic-concurrency conflict: somebody else changed the record first. */
export class ConcurrentUpdateError extends Error {
  constructor(what: string) {
    super(`Concurrent update of ${what}`);
    this.name = 'ConcurrentUpdateError';
  }
}
