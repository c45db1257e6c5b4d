import express, { type Request, type Response, type Router } from 'express';
import { msg, signupCommitments, StoreUnavailableError, type Store } from '../../core/index.js';
// Not yet re-exported by core/index.ts; imported from its own file until it is.
import { CALENDAR_FEED_PATH, CALENDAR_TOKEN, commitmentsIcs } from '../../core/calls/commitments.js';
import type { Renderer } from './web-view.js';

export interface CalendarFeedLog {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface CalendarFeedOptions {
  store: Pick<Store, 'transaction'>;
  renderer: Renderer;
  log: CalendarFeedLog;
  now?: () => Date;
}

/**
 * Commitments that ended this long ago stay in a subscribed calendar, so an
 * event does not vanish from it the moment it is over.
 */
const KEEP_PAST_MS = 30 * 24 * 3600_000;

/**
 * A person's commitments as an iCal feed at a secret address
 * (`/calendar/<token>.ics`) that calendar apps subscribe to. The token is the
 * only credential: an unknown one gets a bare 404, and it is never logged.
 */
export function calendarFeedRouter(options: CalendarFeedOptions): Router {
  const router = express.Router();
  const { store, renderer, log } = options;
  const now = options.now ?? (() => new Date());

  router.get(`${CALENDAR_FEED_PATH}:token.ics`, async (req: Request, res: Response) => {
    const token = String(req.params.token);
    try {
      if (!CALENDAR_TOKEN.test(token)) return notFound(res);
      const at = now();
      // In a transaction so that an unreachable database surfaces as StoreUnavailableError.
      const found = await store.transaction(async (repos) => {
        const personId = await repos.commitments.byCalendarToken(token);
        const person = personId ? await repos.people.findById(personId) : null;
        if (!person) return null;
        const from = new Date(at.getTime() - KEEP_PAST_MS);
        // Events and trainings the person signed up for sit beside their helper calls.
        const commitments = [...(await repos.commitments.upcoming(person.id, from)), ...signupCommitments(await repos.board.signedUpFor(person.id, from))];
        return { locale: person.locale, commitments: commitments.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()) };
      });
      if (!found) return notFound(res);
      const name = renderer.render(found.locale, msg('commitments:calendarName'));
      res
        .status(200)
        .set({ 'Content-Type': 'text/calendar; charset=utf-8', 'Cache-Control': 'private, max-age=300' })
        .send(commitmentsIcs(found.commitments, name, at));
    } catch (error) {
      // The path holds the secret, and a database error may quote the query: neither is logged as it is.
      feedFailed(res, log, 'calendar-feed', error, (text) => text.split(token).join('[token]'));
    }
  });

  return router;
}

/** A feed that does not exist, or whose secret is wrong: a bare 404, nothing cached. */
export function notFound(res: Response) {
  res.status(404).set('Cache-Control', 'no-store').type('text/plain').send('Not found');
}

/**
 * A feed request that failed: 503 with Retry-After while the database is unreachable (calendar
 * apps try again), else 500; the operator's log gets the error, with `redact` applied.
 */
export function feedFailed(res: Response, log: CalendarFeedLog, route: 'calendar-feed' | 'board-feed', error: unknown, redact: (text: string) => string = (text) => text): void {
  const what = route === 'calendar-feed' ? 'a calendar feed' : 'a board feed';
  if (error instanceof StoreUnavailableError) {
    log.warn({ route }, `database unavailable while serving ${what}`);
    res.status(503).set({ 'Cache-Control': 'no-store', 'Retry-After': '60' }).type('text/plain').send('Service unavailable');
    return;
  }
  const err = error instanceof Error ? { name: error.name, message: redact(error.message), stack: redact(error.stack ?? '') } : { message: 'non-error thrown' };
  log.error({ err, route }, `unexpected error while serving ${what}`);
  res.status(500).set('Cache-Control', 'no-store').type('text/plain').send('Internal error');
}
