/** A helper call, as the core sees it. */
export interface HelperCall {
  id: string;
  regionId: string;
  organisationId: string;
  createdById: string | null;
  activityKey: string;
  title: string;
  description: string;
  /** The language the description was written in (ISO code); it is shown as written. */
  descriptionLang: string;
  placeName: string;
  lat: number;
  lon: number;
  radiusKm: number | null;
  startsAt: Date;
  endsAt: Date;
  answerBy: Date;
  helpersNeeded: number;
  acceptedCount: number;
  languages: string[];
  minAge: number | null;
  skills: string | null;
  status: 'open' | 'full' | 'cancelled' | 'expired' | 'done';
  waves: number;
  nextWaveAt: Date | null;
  createdAt: Date;
}

export type NewCall = Omit<HelperCall, 'acceptedCount' | 'status' | 'waves' | 'nextWaveAt' | 'createdAt'>;

export type ResponseStatus = 'asked' | 'accepted' | 'declined' | 'released' | 'filled';

export interface CallResponse {
  callId: string;
  personId: string;
  status: ResponseStatus;
  askedAt: Date;
  wave: number;
  seenAt: Date | null;
  answeredAt: Date | null;
  attended: boolean | null;
}

/** A job to enqueue in the same step as an accept that took a place. */
export interface AcceptJob {
  name: string;
  /** Idempotency key (see JobSpec). */
  key: string;
  /** The accepting person's id is added as `personId`. */
  payload: Record<string, unknown>;
  /** Run this long before the call starts; left out when that moment has already passed. */
  beforeStartMs?: number;
  /** Or run at this time. Default: now. */
  runAt?: Date;
  /** Only when this accept took the last place. */
  ifFilled?: boolean;
}

/** One volunteer's Accept, as it arrives: the channel event, who sent it, for which call. */
export interface AcceptRequest {
  callId: string;
  channel: string;
  address: string;
  /** Recorded in the same step: a replayed event takes no second place. */
  eventId: string;
  at: Date;
  jobs: AcceptJob[];
}

/** What became of an accept. */
export type AcceptOutcome =
  | { kind: 'accepted'; call: HelperCall; nowFull: boolean; timeZone: string }
  /** Every place was taken a moment earlier. */
  | { kind: 'full' }
  /** Cancelled, expired, or past its answer deadline. */
  | { kind: 'closed' }
  | { kind: 'already-accepted' }
  /** This person was never asked for this call. */
  | { kind: 'not-asked' }
  /** The same event arrived before. */
  | { kind: 'duplicate' }
  /** Nobody is registered at this address. */
  | { kind: 'not-registered' };

export interface CallRepository {
  create(call: NewCall): Promise<HelperCall>;
  findById(id: string): Promise<HelperCall | null>;
  /**
   * Takes a place if the call is open, before its deadline, has a free place,
   * and the person was asked and has not accepted yet. Exactly `helpersNeeded`
   * accepts succeed however many arrive at once; the one that takes the last
   * place turns the call 'full'. Everything an accept changes (the event, the
   * place, the answer, the follow-up jobs) happens in one atomic step, so the
   * race for the last places holds no lock longer than it must.
   */
  accept(request: AcceptRequest): Promise<AcceptOutcome>;
  /** Returns false if the person was not asked or had accepted (then they release instead). */
  decline(callId: string, personId: string, at: Date): Promise<boolean>;
  /**
   * Gives an accepted place back: the response becomes 'released' and the call
   * re-opens if it was full and its deadline has not passed. Returns false if
   * the person had not accepted.
   */
  release(callId: string, personId: string, at: Date): Promise<boolean>;
  /** Cancels an open or full call; returns the people who had accepted, or null if it was not open or full. */
  cancel(callId: string, at: Date): Promise<string[] | null>;
  /** Records whether an accepted helper came; a no-show is counted on the person. Returns false if they had not accepted. */
  setAttendance(callId: string, personId: string, attended: boolean, at: Date): Promise<boolean>;
  /**
   * Moves the answer deadline of an open call, or of one that expired unfilled, to `answerBy`
   * (which must be later than now and not after the start); an expired call opens again.
   * Returns what it was before, or null if the call cannot be extended.
   */
  extendDeadline(callId: string, answerBy: Date, at: Date): Promise<'open' | 'expired' | null>;
  /** Adds places to an open or full call before its deadline (a full one opens again); false if it cannot. */
  addPlaces(callId: string, count: number, max: number, at: Date): Promise<boolean>;
  /** Closes an open call whose answer deadline has passed; returns false if it was not open. */
  expire(callId: string, at: Date): Promise<boolean>;
  /** Marks every response still 'asked' as 'filled'; returns those people. */
  closeOpenAsks(callId: string): Promise<string[]>;
  /** Records that a wave was sent and when the next is due (null: none). */
  recordWave(callId: string, wave: number, nextWaveAt: Date | null): Promise<void>;
  responses(callId: string): Promise<CallResponse[]>;
  /** An organisation's calls that end after `since` (recently ended ones, for attendance, included), soonest first. */
  upcomingForOrganisation(organisationId: string, since: Date): Promise<HelperCall[]>;
}

/** How the people asked for a call answered: the one count every view of a call shows. */
export interface ResponseTally {
  asked: number;
  seen: number;
  accepted: number;
  declined: number;
  released: number;
  /** Asked and not answered yet. */
  unanswered: number;
}

export function tallyResponses(responses: CallResponse[]): ResponseTally {
  const count = (status: ResponseStatus) => responses.filter((r) => r.status === status).length;
  return {
    asked: responses.length,
    seen: responses.filter((r) => r.seenAt !== null).length,
    accepted: count('accepted'),
    declined: count('declined'),
    released: count('released'),
    unanswered: count('asked'),
  };
}
