import express, { type Request, type Response, type Router } from 'express';
import { BOARD_FEED_PATH, boardFeedIcs, msg, type Store } from '../../core/index.js';
import { feedFailed, notFound, type CalendarFeedLog } from './calendar-feed.js';
import type { Renderer } from './web-view.js';

export interface BoardFeedOptions {
  store: Pick<Store, 'transaction'>;
  renderer: Renderer;
  log: CalendarFeedLog;
  defaultLocale: string;
  now?: () => Date;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** More than a town posts in a year; the feed is a board, not an archive. */
const FEED_LIMIT = 500;

/**
 * A region's public feed of events and trainings (`/board/<region>.ics`,
 * `?lang=uk` for the labels in another language): only published items that
 * have not ended. Nothing personal is in it; who signed up never is.
 */
export function boardFeedRouter(options: BoardFeedOptions): Router {
  const router = express.Router();
  const { store, renderer, log } = options;
  const now = options.now ?? (() => new Date());

  router.get(`${BOARD_FEED_PATH}:slug.ics`, async (req: Request, res: Response) => {
    const slug = String(req.params.slug);
    const asked = typeof req.query.lang === 'string' ? req.query.lang : '';
    const locale = renderer.locales.some((l) => l.code === asked) ? asked : options.defaultLocale;
    try {
      if (!SLUG.test(slug)) return notFound(res);
      const at = now();
      const found = await store.transaction(async (repos) => {
        const region = await repos.regions.findBySlug(slug);
        if (!region) return null;
        const entries = [...(await repos.board.current(region.id, 'event', at, FEED_LIMIT)), ...(await repos.board.current(region.id, 'training', at, FEED_LIMIT))];
        return { region, entries };
      });
      if (!found) return notFound(res);
      const { region, entries } = found;
      const name = renderer.render(locale, msg('board:calendarName', { region: region.name }));
      const describe = (e: (typeof entries)[number]) => [renderer.render(locale, msg(`moderation:kind.${e.kind}`)), e.body, renderer.render(locale, msg('board:feedPlaces', { capacity: e.capacity ?? 0, free: Math.max(0, (e.capacity ?? 0) - e.taken) }))].join('\n\n');
      res
        .status(200)
        .set({ 'Content-Type': 'text/calendar; charset=utf-8', 'Cache-Control': 'public, max-age=300' })
        .send(boardFeedIcs(entries, name, at, describe));
    } catch (error) {
      feedFailed(res, log, 'board-feed', error);
    }
  });

  return router;
}
