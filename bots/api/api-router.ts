import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { CallValidationError, DomainError, pickLocale, type CallCoordination, StoreUnavailableError, type CallPosting, type HelperCall, type LocaleInfo, type Msg, type Organisation, type Problem, type Store } from '../../core/index.js';
import { bearerAuth, FailedAuthLimiter, organisationOf } from './api-auth.js';
import { API_ERRORS, UNAVAILABLE_RETRY_SECONDS, type ApiErrorCode } from './api-errors.js';
import { parseCallRequest } from './call-request.js';
import { callJson, callStatusJson } from './call-view.js';
import { callIdFor, idempotencyKey } from './idempotency.js';
import { openApiDocument } from './openapi.js';

export interface ApiLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ApiRouterOptions {
  store: Pick<Store, 'apiKeys' | 'organisations' | 'calls' | 'people'>;
  posting: Pick<CallPosting, 'post'>;
  coordination: Pick<CallCoordination, 'cancel' | 'attendance'>;
  renderer: { locales: LocaleInfo[]; render(locale: string, message: Msg): string };
  log: ApiLog;
  /** The address people open (`PUBLIC_URL`); the OpenAPI document names the server by it. */
  publicUrl: string;
  /**
   * Whether an error means "the database is unreachable". Reads outside a
   * transaction surface the driver's own error, which only the storage knows.
   * Default: {@link StoreUnavailableError} only.
   */
  isUnavailable?: (error: unknown) => boolean;
  /** Failed authentications allowed per client address and minute (default 10). */
  failedAuthPerMinute?: number;
}

/** The API answers in English unless the client asks for another language. */
const API_LOCALE = 'en';

/**
 * The REST API for organisations' own systems (shift plans, case management):
 * post a helper call, follow how it fills. Mounted at `/api/v1`; described by
 * `GET /api/v1/openapi.json`. Every request but that one needs an API key.
 */
export function apiRouter(options: ApiRouterOptions): Router {
  const { store, posting, renderer, log } = options;
  const isUnavailable = options.isUnavailable ?? ((error: unknown) => error instanceof StoreUnavailableError);
  const router = express.Router();
  const document = openApiDocument(options.publicUrl);
  const localeOf = (req: Request) => pickLocale(req.get('accept-language'), renderer.locales, API_LOCALE);

  function fail(res: Response, code: ApiErrorCode, locale: string, problems?: Problem[]) {
    const spec: { status: number; text: string; translated?: string } = API_ERRORS[code];
    const message = spec.translated ? renderer.render(locale, { key: spec.translated }) : spec.text;
    if (spec.translated || problems) res.set('Content-Language', locale);
    const rendered = problems?.map((p) => ({ field: p.field, message: renderer.render(locale, p.message) }));
    res.status(spec.status).json({ error: { code, message, ...(rendered ? { problems: rendered } : {}) } });
  }

  const authenticate = bearerAuth(store, new FailedAuthLimiter(options.failedAuthPerMinute), (res, status, retryAfter) => {
    if (status === 429) res.set('Retry-After', String(retryAfter));
    else res.set('WWW-Authenticate', 'Bearer realm="helferruf"');
    fail(res, status === 429 ? 'RATE_LIMITED' : 'UNAUTHENTICATED', API_LOCALE);
  });

  const readJson = [
    (req: Request, res: Response, next: NextFunction) => {
      const type = req.is('application/json');
      // No body, or an empty one, is not JSON whatever its declared type.
      if (type === null || req.get('content-length') === '0') return fail(res, 'INVALID_JSON', localeOf(req));
      if (!type) return fail(res, 'UNSUPPORTED_MEDIA_TYPE', localeOf(req));
      next();
    },
    express.json({ limit: '32kb' }),
  ];

  async function ownCall(id: string, organisation: Organisation): Promise<HelperCall | null> {
    const call = await store.calls.findById(id);
    // Another organisation's call does not exist for this one: the same 404, never a 403.
    return call && call.organisationId === organisation.id ? call : null;
  }

  function sendCall(req: Request, res: Response, call: HelperCall, replayed: boolean) {
    res.status(replayed ? 200 : 201).set('Location', `${req.baseUrl}/calls/${encodeURIComponent(call.id)}`);
    if (replayed) res.set('Idempotent-Replayed', 'true');
    res.json(callJson(call));
  }

  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });

  router.post('/calls', authenticate, ...readJson, async (req, res, next) => {
    try {
      const locale = localeOf(req);
      const organisation = organisationOf(res);
      const idempotency = idempotencyKey(req.get('idempotency-key'));
      if ('invalid' in idempotency) return fail(res, 'INVALID_IDEMPOTENCY_KEY', locale);
      const parsed = parseCallRequest(req.body);
      if ('problems' in parsed) return fail(res, 'INVALID_INPUT', locale, parsed.problems);
      const id = idempotency.key === null ? undefined : callIdFor(organisation.id, idempotency.key);
      // A replay is answered before the rules are checked again: its start may have passed since.
      const first = id ? await ownCall(id, organisation) : null;
      if (first) return sendCall(req, res, first, true);
      try {
        const call = await posting.post(organisation, null, parsed.input, id ? { id } : {});
        log.info({ callId: call.id, organisationId: organisation.id, apiKeyId: res.locals.apiKeyId }, 'call posted through the API');
        return sendCall(req, res, call, false);
      } catch (error) {
        if (error instanceof CallValidationError) return fail(res, 'INVALID_INPUT', locale, error.problems);
        // A concurrent request with the same key took the id first (primary key): answer with its call.
        const raced = id ? await ownCall(id, organisation).catch(() => null) : null;
        if (raced) return sendCall(req, res, raced, true);
        throw error;
      }
    } catch (error) {
      next(error);
    }
  });

  router.get('/calls/:id', authenticate, async (req, res, next) => {
    try {
      const id = String(req.params.id);
      const call = id.length <= 100 ? await ownCall(id, organisationOf(res)) : null;
      if (!call) return fail(res, 'NOT_FOUND', localeOf(req));
      const responses = await store.calls.responses(call.id);
      // Who accepted, by first name only: the organisation that asked them needs to know who is coming.
      const names = new Map<string, string | null>();
      for (const r of responses.filter((x) => x.status === 'accepted')) names.set(r.personId, (await store.people.findById(r.personId))?.firstName ?? null);
      res.json(callStatusJson(call, responses, names));
    } catch (error) {
      next(error);
    }
  });

  router.post('/calls/:id/cancel', authenticate, async (req, res, next) => {
    try {
      const id = String(req.params.id);
      const call = id.length <= 100 ? await ownCall(id, organisationOf(res)) : null;
      if (!call) return fail(res, 'NOT_FOUND', localeOf(req));
      if (!(await options.coordination.cancel(call.id, null))) return fail(res, 'CALL_CLOSED', localeOf(req));
      log.info({ callId: call.id, organisationId: call.organisationId, apiKeyId: res.locals.apiKeyId }, 'call cancelled through the API');
      res.json(callJson((await store.calls.findById(call.id))!));
    } catch (error) {
      next(error);
    }
  });

  router.post('/calls/:id/attendance', authenticate, ...readJson, async (req, res, next) => {
    try {
      const locale = localeOf(req);
      const id = String(req.params.id);
      const call = id.length <= 100 ? await ownCall(id, organisationOf(res)) : null;
      if (!call) return fail(res, 'NOT_FOUND', locale);
      const body = req.body as { personId?: unknown; attended?: unknown };
      const problems: Problem[] = [];
      if (typeof body?.personId !== 'string' || body.personId.length === 0 || body.personId.length > 100) problems.push({ field: 'personId', message: { key: 'errors:INVALID_INPUT' } });
      if (typeof body?.attended !== 'boolean') problems.push({ field: 'attended', message: { key: 'errors:INVALID_INPUT' } });
      if (problems.length) return fail(res, 'INVALID_INPUT', locale, problems);
      try {
        await options.coordination.attendance(call.id, body.personId as string, body.attended as boolean, null);
      } catch (error) {
        if (error instanceof DomainError) return fail(res, 'ATTENDANCE_REFUSED', locale);
        throw error;
      }
      res.status(204).end();
    } catch (error) {
      next(error);
    }
  });

  router.use((req, res) => fail(res, 'NOT_FOUND', localeOf(req)));

  // The channel's one error boundary: a stable code and a sentence for the client, the details for the operator.
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const locale = localeOf(req);
    // The JSON parser's errors carry a type and a 4xx status.
    const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown };
    if (type === 'entity.too.large') return fail(res, 'PAYLOAD_TOO_LARGE', locale);
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') return fail(res, 'UNSUPPORTED_MEDIA_TYPE', locale);
    if (typeof type === 'string' && typeof status === 'number' && status < 500) return fail(res, 'INVALID_JSON', locale);
    const context = { method: req.method, route: `${req.baseUrl}${(req.route as { path?: string } | undefined)?.path ?? ''}`, organisationId: (res.locals.organisation as Organisation | undefined)?.id };
    if (isUnavailable(error)) {
      log.warn(context, 'database unavailable during an API request');
      res.set('Retry-After', String(UNAVAILABLE_RETRY_SECONDS));
      return fail(res, 'SERVICE_UNAVAILABLE', locale);
    }
    log.error({ ...context, err: withoutMessage(error) }, 'unexpected error in the REST API');
    if (!res.headersSent) fail(res, 'UNEXPECTED', locale);
  });

  return router;
}

/**
 * An error for the log without its message: a database error's message can
 * quote the values of the statement (a call's description, a name). The
 * type, code and stack frames say where it happened.
 */
function withoutMessage(error: unknown) {
  if (!(error instanceof Error)) return { type: typeof error };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    ...(typeof code === 'string' ? { code } : {}),
    stack: (error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at ')).join('\n'),
  };
}
