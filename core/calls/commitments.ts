import { randomBytes } from 'node:crypto';
import { DomainError, ErrorCode } from '../errors.js';
import { msg, type Msg } from '../messages.js';
import type { FlowContext, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import type { HelperCall } from './call.js';
import { commitmentsCalendar } from './ical.js';
import { commitmentsNext } from './manage-flows.js';

/** A helper call a person has accepted, with what their calendar shows of it. */
export interface Commitment {
  callId: string;
  title: string;
  description: string;
  placeName: string;
  lat: number;
  lon: number;
  startsAt: Date;
  endsAt: Date;
  /** The organisation's name. */
  organisation: string;
  status: HelperCall['status'];
  /** The call's last change that a calendar shows (posted, cancelled). */
  updatedAt: Date;
}

/** A person's accepted calls and the secret of their calendar feed. */
export interface CommitmentRepository {
  /** Calls the person accepted that end after `from`, cancelled ones included, earliest first. */
  upcoming(personId: string, from: Date): Promise<Commitment[]>;
  /** The person whose feed this secret opens, or null. */
  byCalendarToken(token: string): Promise<string | null>;
  calendarToken(personId: string): Promise<string | null>;
  /** Sets (or, with a new value, replaces) the secret; the old one stops working at once. */
  setCalendarToken(personId: string, token: string): Promise<void>;
}

/** Where a feed is served, under the public address: `/calendar/<token>.ics`. */
export const CALENDAR_FEED_PATH = '/calendar/';

/** 32 random bytes, base64url: 43 characters. */
export const CALENDAR_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The iCalendar file of a person's commitments; the same for the download and
 * the feed, so an event keeps its UID whichever way it reached a calendar.
 */
export function commitmentsIcs(commitments: Commitment[], name: string, now: Date): string {
  return commitmentsCalendar(
    commitments.map((c) => ({
      uid: `${c.callId}@helferruf`,
      title: c.title,
      description: c.description,
      placeName: c.placeName,
      lat: c.lat,
      lon: c.lon,
      startsAt: c.startsAt,
      endsAt: c.endsAt,
      organisation: c.organisation,
      status: c.status === 'cancelled' ? 'cancelled' : 'confirmed',
      updatedAt: c.updatedAt,
    })),
    { name, now },
  );
}

/** `/commitments`: the upcoming commitments as a list, and as a file for a calendar app. */
export async function commitmentsCommand(ctx: FlowContext): Promise<Transition> {
  const now = ctx.services.now();
  const commitments = await ctx.repos.commitments.upcoming(registeredId(ctx), now);
  if (commitments.length === 0) return stay(ctx, msg('commitments:none'));
  const timeZone = ctx.region.timeZone;
  const items: Msg[] = commitments.map((c) =>
    msg(c.status === 'cancelled' ? 'commitments:itemCancelled' : 'commitments:item', {
      title: c.title,
      when: { dateTime: c.startsAt, until: c.endsAt, timeZone },
      place: c.placeName,
      organisation: c.organisation,
    }),
  );
  const name = ctx.services.render(ctx.locale, msg('commitments:calendarName'));
  const next = await commitmentsNext(ctx);
  return {
    ...stay(ctx, msg('commitments:heading', { count: commitments.length }), ...items, msg('commitments:file')),
    ...(next ? { next } : {}),
    attachment: { filename: 'helferruf-commitments.ics', mediaType: 'text/calendar', content: commitmentsIcs(commitments, name, now) },
  };
}

/**
 * `/calendar`: the secret address of the person's feed, made on first use;
 * `/calendar reset` replaces it, so a link that got out stops working.
 */
export async function calendarCommand(ctx: FlowContext): Promise<Transition> {
  const personId = registeredId(ctx);
  const args = ctx.event.input.type === 'command' ? (ctx.event.input.args ?? '').trim().toLowerCase() : '';
  if (args !== '' && args !== 'reset') return stay(ctx, msg('commitments:feedUsage'));
  const existing = args === 'reset' ? null : await ctx.repos.commitments.calendarToken(personId);
  const token = existing ?? randomBytes(32).toString('base64url');
  if (!existing) await ctx.repos.commitments.setCalendarToken(personId, token);
  const url = `${ctx.services.publicUrl ?? ''}${CALENDAR_FEED_PATH}${token}.ics`;
  return stay(ctx, msg(args === 'reset' ? 'commitments:feedReset' : 'commitments:feed', { url }));
}

function registeredId(ctx: FlowContext): string {
  if (!ctx.person) throw new DomainError(ErrorCode.NotRegistered);
  return ctx.person.id;
}
