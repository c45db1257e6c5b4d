import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { commandFromText, DomainError, pickLocale, StoreUnavailableError, type IncomingEvent, type Input, type TurnResult } from '../../core/index.js';
import { publicDir } from './public-dir.js';
import { direction, uiStrings, webView, type Renderer } from './web-view.js';
import { webAddress } from './web-session.js';
import type { WebInboxStore } from './web-messenger.js';

export const WEB_CHANNEL = 'web';

export interface WebChatLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface WebChatOptions {
  engine: { handle(event: IncomingEvent): Promise<TurnResult> };
  renderer: Renderer;
  defaultLocale: string;
  secureCookies: boolean;
  log: WebChatLog;
  inbox: WebInboxStore;
  /** Photos: the largest upload, and a stored photo for the person behind a web address (null when they may not see it). */
  photos?: {
    maxBytes: number;
    forViewer(address: string, id: string): Promise<{ bytes: Uint8Array; mediaType: string } | null>;
  };
}

/**
 * How far back each inbox fetch looks again: messages committed out of order,
 * or stamped by an instance whose clock is a little behind, are still found.
 * The page drops what it has already shown.
 */
const INBOX_OVERLAP_MS = 10_000;

const token = z.string().min(1).max(64);
const inputSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().max(4000), token: token.optional() }),
  z.object({ type: z.literal('choice'), token, values: z.array(z.string().max(64)).max(50) }),
  z.object({ type: z.literal('location'), lat: z.number(), lon: z.number(), token: token.optional() }),
  z.object({ type: z.literal('command'), command: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/i) }),
]);
const eventSchema = z.object({
  eventId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  input: inputSchema,
  region: z.string().max(64).optional(),
});

/**
 * The web chat: a plain page and a small JSON API. It is the project's fourth
 * channel, and the place accept links from e-mail and SMS will open.
 */
export function webChatRouter(options: WebChatOptions): Router {
  const router = express.Router();
  const { renderer, log } = options;

  const localeOf = (req: Request) => pickLocale(req.get('x-locale') ?? req.get('accept-language'), renderer.locales, options.defaultLocale);

  const turn = async (req: Request, res: Response, input: Input, eventId: string, region?: string) => {
    const address = webAddress(req, res, options.secureCookies);
    const hint = req.get('x-locale') ?? req.get('accept-language');
    const result = await options.engine.handle({
      channel: WEB_CHANNEL,
      address,
      eventId,
      input,
      ...(hint ? { localeHint: hint } : {}),
      ...(region ? { regionHint: region } : {}),
    });
    res.set('Cache-Control', 'no-store').json(webView(renderer, result));
  };

  router.get('/api/web/turn', async (req, res, next) => {
    try {
      const region = typeof req.query.region === 'string' ? req.query.region.slice(0, 64) : undefined;
      await turn(req, res, { type: 'open' }, 'open', region);
    } catch (error) {
      next(error);
    }
  });

  router.post('/api/web/events', express.json({ limit: '32kb' }), async (req, res, next) => {
    try {
      const parsed = eventSchema.safeParse(req.body);
      if (!parsed.success) return sendError(res, 400, 'INVALID_INPUT', localeOf(req));
      let input: Input = parsed.data.input as Input;
      if (input.type === 'text') {
        const command = commandFromText(input.text, '/');
        if (command) input = { type: 'command', ...command };
      }
      await turn(req, res, input, parsed.data.eventId, parsed.data.region);
    } catch (error) {
      next(error);
    }
  });

  // A photo is sent as the request body itself (no multipart): the question's token and the event id ride in headers.
  const uploadHeaders = z.object({ 'x-event-id': eventSchema.shape.eventId, 'x-token': token });
  const maxUpload = options.photos?.maxBytes ?? 0;
  router.post(
    '/api/web/photos',
    async (req, res, next) => {
      const headers = uploadHeaders.safeParse(req.headers);
      if (!options.photos || !headers.success) return sendError(res, 400, 'INVALID_INPUT', localeOf(req));
      const declared = Number(req.get('content-length') ?? 0);
      if (declared > maxUpload) {
        // Too large: the bytes are not read at all, and the person is told the limit in the conversation, which stays where it was.
        try {
          await turn(req, res, { type: 'file', token: headers.data['x-token'], file: { size: declared } }, headers.data['x-event-id']);
        } catch (error) {
          next(error);
        } finally {
          req.resume();
        }
        return;
      }
      next();
    },
    express.raw({ type: () => true, limit: maxUpload }),
    async (req, res, next) => {
      try {
        const headers = uploadHeaders.parse(req.headers);
        const bytes = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array();
        const mediaType = req.get('content-type');
        await turn(req, res, { type: 'file', token: headers['x-token'], file: { bytes, size: bytes.length, ...(mediaType ? { mediaType } : {}) } }, headers['x-event-id']);
      } catch (error) {
        next(error);
      }
    },
  );

  router.get('/api/web/attachments/:id', async (req, res, next) => {
    try {
      const id = req.params.id;
      const address = webAddress(req, res, options.secureCookies);
      const photo = options.photos && /^[0-9a-f-]{36}$/.test(id) ? await options.photos.forViewer(address, id) : null;
      // Someone who may not see it learns nothing, not even that it exists.
      if (!photo) return sendError(res, 404, 'NOT_FOUND', localeOf(req));
      res
        .set({ 'Cache-Control': 'private, no-store', 'Content-Type': photo.mediaType, 'X-Content-Type-Options': 'nosniff', 'Content-Disposition': 'inline', 'Content-Security-Policy': "default-src 'none'" })
        .send(Buffer.from(photo.bytes));
    } catch (error) {
      next(error);
    }
  });

  router.get('/api/web/inbox', async (req, res, next) => {
    try {
      const since = typeof req.query.since === 'string' ? new Date(req.query.since) : null;
      if (since && Number.isNaN(since.getTime())) return sendError(res, 400, 'INVALID_INPUT', localeOf(req));
      const address = webAddress(req, res, options.secureCookies);
      const rows = await options.inbox.since(address, since && new Date(since.getTime() - INBOX_OVERLAP_MS), 100);
      res.set('Cache-Control', 'no-store').json({ messages: rows.map((r) => ({ id: r.id, updatedAt: r.updatedAt.toISOString(), view: r.payload })) });
    } catch (error) {
      next(error);
    }
  });

  router.use(express.static(publicDir(), { index: 'index.html', maxAge: '1h' }));
  router.use('/api/web', (req, res) => sendError(res, 404, 'NOT_FOUND', localeOf(req)));

  // The channel's one error boundary: a translated sentence for the person, the details for the operator.
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const locale = localeOf(req);
    if ((error as { type?: string }).type === 'entity.parse.failed') return sendError(res, 400, 'INVALID_INPUT', locale);
    if ((error as { type?: string }).type === 'entity.too.large') return sendError(res, 413, 'INVALID_INPUT', locale);
    if (error instanceof DomainError) return sendError(res, 409, error.code, locale);
    if (error instanceof StoreUnavailableError) {
      log.warn({ err: { message: error.message }, path: req.path }, 'database unavailable during a web chat turn');
      return sendError(res, 503, 'SERVICE_UNAVAILABLE', locale);
    }
    log.error({ err: error, path: req.path, method: req.method }, 'unexpected error in the web chat');
    return sendError(res, 500, 'UNEXPECTED', locale);
  });

  function sendError(res: Response, status: number, code: string, locale: string) {
    res
      .status(status)
      .set('Cache-Control', 'no-store')
      .json({ error: { code, message: renderer.render(locale, { key: `errors:${code}` }) }, locale, dir: direction(renderer, locale), ui: uiStrings(renderer, locale) });
  }

  return router;
}
