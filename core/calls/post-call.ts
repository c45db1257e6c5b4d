import { DomainError, ErrorCode } from '../errors.js';
import type { PlaceResolver } from '../geo/index.js';
import { msg, type Msg } from '../messages.js';
import type { Repositories, Store } from '../store.js';
import { normalizeLanguageCode } from '../validation/index.js';
import type { HelperCall, NewCall } from './call.js';

export interface CallInput {
  activity: string;
  title: string;
  description: string;
  /** The language of title and description; default: the region's default language. */
  descriptionLang?: string;
  /** A town, a postcode, or an address with one ("Weender Str. 5, 37073 Göttingen"); or coordinates. */
  place: string | { lat: number; lon: number; name: string };
  startsAt: Date;
  endsAt: Date;
  helpersNeeded: number;
  languages?: string[];
  minAge?: number;
  skills?: string;
  /** Default: one hour before the start. */
  answerBy?: Date;
  radiusKm?: number;
}

export interface Problem {
  field: string;
  message: Msg;
}

/** A call that cannot be posted as it is; every problem names its field. */
export class CallValidationError extends DomainError {
  constructor(readonly problems: Problem[]) {
    super(ErrorCode.InvalidInput, problems.map((p) => `${p.field}: ${p.message.key}`).join('; '));
    this.name = 'CallValidationError';
  }
}

/** Resolves a place offline: the whole text, else a postcode in it, else its last part (the town). */
export function resolvePlace(places: PlaceResolver, text: string) {
  const attempts = [text, /\b\d{5}\b/.exec(text)?.[0], text.split(',').at(-1)?.replace(/\b\d{5}\b/, '').trim()];
  for (const query of attempts) {
    if (!query) continue;
    const found = places.search(query, 2);
    if (found.length === 1) return found[0]!;
  }
  return null;
}

/**
 * Posting a helper call for an organisation. The call, its first wave (now)
 * and its deadline are stored in one transaction.
 */
export class CallPosting {
  constructor(
    private readonly store: Store,
    private readonly places: PlaceResolver,
    private readonly now: () => Date,
    private readonly newId: () => string,
    private readonly defaultLanguage = 'de',
  ) {}

  /**
   * `options.id` fixes the call's id (an API client's idempotency key maps to one); posting
   * twice with the same id fails on the primary key, so a concurrent duplicate never creates two.
   */
  async post(organisation: { id: string; regionId: string }, createdById: string | null, input: CallInput, options: { id?: string } = {}): Promise<HelperCall> {
    const call = await this.prepare(this.store, organisation, createdById, input, options);
    return this.store.transaction((repos) => saveCall(repos, call));
  }

  /**
   * Checks a call and makes it ready to store, reading through `repos` (so a flow can post inside
   * its own transaction); throws {@link CallValidationError} naming every problem.
   */
  async prepare(repos: Pick<Repositories, 'regions'>, organisation: { id: string; regionId: string }, createdById: string | null, input: CallInput, options: { id?: string } = {}): Promise<NewCall> {
    const problems: Problem[] = [];
    const problem = (field: string, key: string, params?: Parameters<typeof msg>[1]) => problems.push({ field, message: msg(`calls:invalid.${key}`, params) });
    const now = this.now();
    const catalogue = await repos.regions.activities(organisation.regionId);
    if (!catalogue.some((a) => a.key === input.activity)) problem('activity', 'activity', { activities: catalogue.map((a) => a.key).join(', ') });
    const title = input.title?.trim() ?? '';
    if (title.length < 3 || title.length > 120) problem('title', 'title', { min: 3, max: 120 });
    const description = input.description?.trim() ?? '';
    if (description.length > 2000) problem('description', 'description', { max: 2000 });
    const descriptionLang = input.descriptionLang ? normalizeLanguageCode(input.descriptionLang) : this.defaultLanguage;
    if (!descriptionLang) problem('descriptionLang', 'language', { codes: input.descriptionLang ?? '' });
    const place = typeof input.place === 'string' ? resolvePlace(this.places, input.place) : input.place;
    if (!place) problem('place', 'place', { query: typeof input.place === 'string' ? input.place : '' });
    const valid = (d: Date) => d instanceof Date && !Number.isNaN(d.getTime());
    if (!valid(input.startsAt) || input.startsAt <= now) problem('startsAt', 'startsAt');
    if (!valid(input.endsAt) || (valid(input.startsAt) && input.endsAt <= input.startsAt)) problem('endsAt', 'endsAt');
    if (!Number.isInteger(input.helpersNeeded) || input.helpersNeeded < 1 || input.helpersNeeded > 200) problem('helpersNeeded', 'helpersNeeded', { max: 200 });
    const languages = (input.languages ?? []).map((code) => normalizeLanguageCode(code));
    if (languages.some((c) => c === null)) problem('languages', 'language', { codes: (input.languages ?? []).filter((_, i) => languages[i] === null).join(', ') });
    const answerBy = input.answerBy ?? (valid(input.startsAt) ? new Date(input.startsAt.getTime() - 3600_000) : now);
    if (!valid(answerBy) || answerBy <= now || (valid(input.startsAt) && answerBy > input.startsAt)) problem('answerBy', 'answerBy');
    if (input.radiusKm !== undefined && !(input.radiusKm >= 1 && input.radiusKm <= 100)) problem('radiusKm', 'radiusKm', { min: 1, max: 100 });
    if (input.minAge !== undefined && !(Number.isInteger(input.minAge) && input.minAge >= 0 && input.minAge <= 99)) problem('minAge', 'minAge');
    if (problems.length || !place || !descriptionLang) throw new CallValidationError(problems);

    return {
      id: options.id ?? this.newId(),
      regionId: organisation.regionId,
      organisationId: organisation.id,
      createdById,
      activityKey: input.activity,
      title,
      description,
      descriptionLang,
      // A bare postcode reads better with its town; anything longer (an address) is kept as written.
      placeName: typeof input.place !== 'string' ? place.name : /^\d{5}$/.test(input.place.trim()) ? `${input.place.trim()} ${place.name}` : input.place.trim(),
      lat: place.lat,
      lon: place.lon,
      radiusKm: input.radiusKm ?? null,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      answerBy,
      helpersNeeded: input.helpersNeeded,
      languages: languages as string[],
      minAge: input.minAge ?? null,
      skills: input.skills?.trim() || null,
    };
  }
}

/** Stores a prepared call with its first wave (now) and its deadline, in the caller's transaction. */
export async function saveCall(repos: Repositories, prepared: NewCall): Promise<HelperCall> {
  const call = await repos.calls.create(prepared);
  await repos.jobs.enqueue({ name: 'call.wave', key: `call.wave:${call.id}:1`, payload: { callId: call.id } });
  await repos.jobs.enqueue({ name: 'call.deadline', key: `call.deadline:${call.id}`, payload: { callId: call.id }, runAt: call.answerBy });
  await repos.audit.append({ actorId: call.createdById, action: 'call.posted', subjectType: 'call', subjectId: call.id, details: { organisationId: call.organisationId } });
  return call;
}
