import { msg, type Msg } from '../messages.js';
import type { BoardEntry, BoardFields, BoardKind } from './ports.js';

/** An item's fields as a reader sees them: labels in their language, dates in the region's time zone. */
export function itemMessage(kind: BoardKind, item: BoardFields & { title: string; body: string; topic: string | null; taken?: number }, timeZone: string): Msg {
  const topic = item.topic ? msg(`moderation:topic.${item.topic}`) : '–';
  const common = { kind: msg(`moderation:kind.${kind}`), title: item.title, body: item.body, topic, place: item.placeName ?? '–', organiser: item.organiser ?? '–' };
  if (kind === 'event' || kind === 'training') {
    const capacity = item.capacity ?? 0;
    return msg('board:item.dated', { ...common, when: { dateTime: item.startsAt!, until: item.endsAt!, timeZone }, capacity, free: Math.max(0, capacity - (item.taken ?? 0)) });
  }
  if (kind === 'need') return msg('board:item.need', { ...common, quantity: item.quantity ?? '–', until: item.until ? { dateTime: item.until, timeZone } : '–' });
  return msg('board:item.offer', common);
}

/** One line of a listing: what a button shows. */
export function optionLabel(entry: BoardEntry, timeZone: string, distanceKm?: number): Msg {
  const near = distanceKm === undefined ? '' : msg('board:option.distance', { km: Math.round(distanceKm * 10) / 10 });
  if (entry.kind === 'need') return msg('board:option.need', { title: entry.title, quantity: entry.quantity ?? '–', near });
  if (entry.kind === 'offer') return msg('board:option.offer', { title: entry.title, organiser: entry.organiser ?? '–', near });
  return msg('board:option.dated', { title: entry.title, when: { dateTime: entry.startsAt!, timeZone }, near });
}

/**
 * What a moderator sees of a board item's own fields where the review shows
 * the place: when, where, who, how many. Null for every other kind of item.
 */
export function reviewDetails(kind: string, item: BoardFields | null, timeZone: string): Msg | null {
  if (!item || !['event', 'training', 'need', 'offer'].includes(kind)) return null;
  const common = { place: item.placeName ?? '–', organiser: item.organiser ?? '–' };
  if (kind === 'event' || kind === 'training') return msg('board:review.dated', { ...common, when: { dateTime: item.startsAt!, until: item.endsAt!, timeZone }, capacity: item.capacity ?? 0 });
  if (kind === 'need') return msg('board:review.need', { ...common, quantity: item.quantity ?? '–', until: item.until ? { dateTime: item.until, timeZone } : '–' });
  return msg('board:review.offer', common);
}
