/**
 * Every error the REST API answers with: a stable code, its HTTP status and a
 * sentence. The sentence is English for the developer reading a log; where a
 * person may see it (a field's problem, an outage, a fault of ours) it is
 * rendered from `translated` in the `Accept-Language` language.
 */
export const API_ERRORS = {
  INVALID_JSON: { status: 400, text: 'The body is not valid JSON.' },
  INVALID_IDEMPOTENCY_KEY: { status: 400, text: 'The Idempotency-Key header must be 1 to 100 printable ASCII characters.' },
  UNAUTHENTICATED: { status: 401, text: 'A valid API key is needed, sent as "Authorization: Bearer hr_…".' },
  NOT_FOUND: { status: 404, text: 'There is nothing at this address for this organisation.' },
  CALL_CLOSED: { status: 409, text: 'The call is closed already (cancelled, or past its deadline).' },
  ATTENDANCE_REFUSED: { status: 409, text: 'Attendance can be recorded after the call has ended, and only for someone who accepted it.' },
  PAYLOAD_TOO_LARGE: { status: 413, text: 'The body must be at most 32 kB.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, text: 'Send the body as JSON, with "Content-Type: application/json".' },
  INVALID_INPUT: { status: 422, text: 'The call cannot be posted as it is; every problem names its field.' },
  RATE_LIMITED: { status: 429, text: 'Too many failed authentications from this address; try again after the seconds in Retry-After.' },
  UNEXPECTED: { status: 500, text: 'Something went wrong on our side.', translated: 'errors:UNEXPECTED' },
  SERVICE_UNAVAILABLE: { status: 503, text: 'The service is briefly unavailable; try again after the seconds in Retry-After.', translated: 'errors:SERVICE_UNAVAILABLE' },
} as const satisfies Record<string, { status: number; text: string; translated?: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** How long a client should wait before retrying when the database is unreachable. */
export const UNAVAILABLE_RETRY_SECONDS = 5;
