/**
 * Fan-out: from posting a helper call to the last of 1,000 notifications
 * accepted by a channel that allows 30 requests per second, strictly (a local
 * HTTP sink that answers 429 with retry_after to any request that would make
 * more than 30 within the preceding 1000 ms). The floor is 999/30 s = 33.3 s;
 * the target is at most 1.03 times that, with no request refused. The sink runs in a thread of its
 * own (bench/fanout-sink.ts), as a channel's server runs outside the service's process.
 *
 * Built on the real service: `composeApp`, its job worker, the call's wave,
 * the notify jobs and their shared send slots, on PGlite and (when
 * DATABASE_URL is set) PostgreSQL.
 *
 * Before the timed call the same service sends one untimed call to 30 other volunteers (see
 * {@link WARM_UP_PEOPLE}), as the accept bench has an untimed round: what is timed is a running
 * service's call, not the first code this process ever runs.
 *
 * Run: `npx tsc -p . && node dist/bench/fanout.js`. With BENCH_FANOUT_BATCH (e.g. 30) and/or
 * BENCH_FANOUT_POLL_MS the bench builds its own JobWorker with those options instead of using
 * composeApp's (batch 10, poll 500 ms), to see what the worker's settings change.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { WEB_CAPABILITIES } from '../bots/web/index.js';
import { composeApp, type App } from '../app/compose.js';
import { loadConfig } from '../app/config.js';
import { openDatabase, type Database } from '../app/database.js';
import { CallValidationError, DeliveryError, JobWorker, callJobHandlers, gridCell, LATE_TOLERANCE_MS, SLOT_MARGIN, type MessageRef, type MessengerPort, type SendOptions, type TurnResult } from '../core/index.js';
import { jobQueue } from '../prisma/repositories/job-repository.js';
import { rateSlots } from '../prisma/repositories/rate-slots.js';
import { createBenchDatabase, openPglite, percentile, silent } from './support.js';

const PEOPLE = 1000;
const PER_SECOND = 30;
const WINDOW_MS = 1000;
/** One wave asks max(ceil(667 * 1.5), 667 + 2) = 1001 ≥ 1,000: everyone seeded. */
const HELPERS_NEEDED = 667;
const FLOOR_MS = ((PEOPLE - 1) / PER_SECOND) * 1000;
const TARGET_RATIO = 1.03;
const TIMEOUT_MS = 120_000;
const CENTRE = { lat: 51.534, lon: 9.932 };
const LOCALES = ['de', 'en', 'ar', 'uk', 'fa', 'ru', 'tr', 'fr'];
const HOUR = 3600_000;
/**
 * Before the timed call, one untimed call to this many other volunteers (far from the timed
 * call's, through a sink of its own): a running service has sent notifications before, while this
 * process has not, and its first call ran cold (Prisma's compiled queries, V8's optimised code,
 * Node's HTTP client: about twice the CPU before the first notification).
 */
const WARM_UP_PEOPLE = 30;
/** Hannover, about 100 km north of the timed call's volunteers: outside its 30 km, as they are outside the warm-up call's. */
const WARM_UP_CENTRE = { lat: 52.3705, lon: 9.7332 };
/**
 * The slot width the outbox (core/messaging/outbox.ts) reserves per send: on PostgreSQL the shared
 * slots' margin (to the microsecond, as `RateSlot` stores it); on PGlite, one process, the slots are
 * local and exactly the limit (the sender's window keeps the limit).
 */
const slotMs = (backend: Database['kind']) => (1000 / PER_SECOND) * (backend === 'postgres' ? 1 + SLOT_MARGIN : 1);

export interface FanoutResult {
  backend: Database['kind'];
  /** Post to the last notification accepted by the sink, ms. */
  elapsedMs: number;
  ratio: number;
  /** Post to the first notification accepted, ms. */
  firstMs: number;
  /** This process's CPU time (user + system) from posting to the first notification accepted, ms: the head's work, which a loaded machine stretches in wall time but hardly changes. */
  firstCpuMs: number;
  /** First to last accepted notification, ms, and as a ratio to the floor. */
  sendPhaseMs: number;
  sendPhaseRatio: number;
  medianGapMs: number;
  /** Gaps of at least 100 ms between accepted notifications (mostly after a 429 blocked the channel's slots), and their total, ms. */
  stalls: number;
  stalledMs: number;
  /** The send phase beyond 999 slots of 34 ms, ms. */
  beyondSlotsMs: number;
  /** Most requests (accepted or refused) that arrived within any 1000 ms. */
  busiestWindow: number;
  /** CallPosting.post and the first wave (CallDispatcher.wave, one transaction), ms. */
  postMs: number;
  waveMs: number;
  /** Event-loop delay of this process while sending (p99, max), ms: late timers let two sends come closer than their slots. */
  loopDelayP99: number;
  loopDelayMax: number;
  accepted: number;
  distinct: number;
  refused: number;
  /** Per refused request: how long after the accepted request 30 before it the service started it, and the sink saw it, ms. */
  collisions: { startedAfterMs: number; arrivedAfterMs: number }[];
  /** From a send's start in the service to its arrival at the sink, ms. */
  transitMs: { p50: number; p99: number; max: number };
  worker: { batch: number; pollMs: number; lockMs: number; tuned: boolean };
  complete: boolean;
}

/** Filled by {@link benchFanout}, for the summary of `bench/run.ts`. */
export const fanoutResults: FanoutResult[] = [];

/** What the sink saw, in this thread's `performance.now()` time. */
interface SinkReport {
  accepted: number[];
  /** Every request's arrival, refused ones too. */
  arrivals: number[];
  /** Every request in arrival order: when, for whom, refused or not. */
  requests: { at: number; address: string; refused: boolean }[];
  distinct: number;
  refused: number;
  /** The process's CPU time when the first request was accepted. */
  firstCpu: NodeJS.CpuUsage | null;
}

/**
 * The channel API (bench/fanout-sink.ts) in a thread of its own, as a real channel's server is not in
 * the service's process: the service's stalls make its sends late (which the send slots must absorb),
 * but do not move the clock the sink counts its window by.
 */
class Sink {
  url = '';
  private readonly worker = new Worker(new URL('./fanout-sink.js', import.meta.url));
  private readonly replies: ((message: { type: string } & Record<string, unknown>) => boolean)[] = [];

  constructor() {
    this.worker.on('message', (message: { type: string } & Record<string, unknown>) => {
      const index = this.replies.findIndex((handle) => handle(message));
      if (index >= 0) this.replies.splice(index, 1);
    });
  }

  private expect<T>(type: string, send?: Record<string, unknown>): Promise<T> {
    const reply = new Promise<T>((resolve) => this.replies.push((m) => (m.type === type ? (resolve(m as T), true) : false)));
    if (send) this.worker.postMessage(send);
    return reply;
  }

  async listen(): Promise<void> {
    this.url = (await this.expect<{ url: string }>('listening')).url;
  }

  /** Resolves once `count` requests have been accepted. */
  async reached(count: number): Promise<void> {
    await this.expect('reached', { type: 'wait', count });
  }

  async report(): Promise<SinkReport> {
    const r = await this.expect<SinkReport & { accepted: number[]; arrivals: number[] }>('report', { type: 'report' });
    // The thread sends absolute times (its time origin differs from ours).
    const here = (t: number) => t - performance.timeOrigin;
    return { ...r, accepted: r.accepted.map(here), arrivals: r.arrivals.map(here), requests: r.requests.map((q) => ({ ...q, at: here(q.at) })) };
  }

  async close(): Promise<void> {
    await this.expect('closed', { type: 'close' });
    await this.worker.terminate();
  }
}

/** The service's side of the sink: renders the message and POSTs it; a 429 becomes a rate-limited DeliveryError. */
class SinkMessenger implements MessengerPort {
  readonly channel = 'sink';
  readonly capabilities = WEB_CAPABILITIES;
  readonly limits = { perSecond: PER_SECOND };
  /** When each send to an address started here (performance.now()), in order: to compare with when the sink saw it. */
  readonly started = new Map<string, number[]>();

  constructor(
    private readonly url: string,
    private readonly render: App['translations']['render'],
  ) {}

  async send(address: string, message: TurnResult, options: SendOptions = {}): Promise<MessageRef> {
    this.started.set(address, [...(this.started.get(address) ?? []), performance.now()]);
    const text = message.messages.map((m) => this.render(message.locale, m)).join('\n\n');
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ address, text, key: options.key, subject: options.subject, choices: message.prompt ? true : undefined }),
    });
    const body = (await response.json().catch(() => ({}))) as { parameters?: { retry_after?: number }; result?: { message_id?: string } };
    if (response.status === 429) throw new DeliveryError('rate-limited', '429 Too Many Requests', (body.parameters?.retry_after ?? 1) * 1000);
    if (!response.ok) throw new DeliveryError('transient', `sink answered ${response.status}`);
    return { channel: this.channel, address, id: body.result?.message_id ?? randomUUID() };
  }

  async edit(): Promise<void> {}
}

async function seed(db: Database): Promise<{ id: string; regionId: string }> {
  const organisation = { id: randomUUID(), regionId: 'default' };
  await db.prisma.organisation.createMany({ data: [{ ...organisation, slug: `bench-fanout-${organisation.id.slice(0, 8)}`, name: 'Bench fan-out' }] });
  await seedPeople(db, organisation.regionId, PEOPLE, CENTRE, 'sink');
  await seedPeople(db, organisation.regionId, WARM_UP_PEOPLE, WARM_UP_CENTRE, 'warm');
  return organisation;
}

async function seedPeople(db: Database, regionId: string, count: number, centre: { lat: number; lon: number }, prefix: string): Promise<void> {
  const prisma = db.prisma;
  const organisation = { regionId };
  // Deterministic spread within about 4 km of the centre.
  const people = Array.from({ length: count }, (_, i) => {
    const angle = i * 2.399963;
    const r = 0.035 * Math.sqrt((i + 0.5) / count);
    const lat = centre.lat + r * Math.sin(angle);
    const lon = centre.lon + (r * Math.cos(angle)) / Math.cos((centre.lat * Math.PI) / 180);
    return { id: randomUUID(), i, lat, lon, locale: LOCALES[i % LOCALES.length]! };
  });
  await prisma.person.createMany({
    data: people.map((p) => ({
      id: p.id,
      regionId: organisation.regionId,
      locale: p.locale,
      firstName: 'Bench',
      lastName: String(p.i),
      email: `${p.id}@example.org`,
      placeName: 'Göttingen',
      lat: p.lat,
      lon: p.lon,
      cell: gridCell(p.lat, p.lon),
      travelRadiusKm: 30,
      activities: ['leisure'],
      languages: ['de'],
      weeklyHours: 4,
    })),
  });
  await prisma.channelIdentity.createMany({ data: people.map((p) => ({ channel: 'sink', address: `${prefix}-${p.i}`, personId: p.id, preferred: true })) });
  await prisma.consent.createMany({ data: people.map((p) => ({ id: randomUUID(), personId: p.id, kind: 'privacy', noticeVersion: '1', locale: p.locale })) });
}

/**
 * The untimed warm-up: a call to the {@link WARM_UP_PEOPLE} far away, its wave and notifications
 * through the same service (worker, slots, messenger class) into a sink of its own; then a pause
 * of more than a second, so the channel's slots are idle again when the timed call is posted.
 */
async function warmUp(app: App, jobs: JobWorker, organisation: { id: string; regionId: string }, startsAt: Date): Promise<void> {
  const sink = new Sink();
  await sink.listen();
  try {
    app.messengers.set('sink', new SinkMessenger(sink.url, app.translations.render));
    const helpersNeeded = Math.floor(WARM_UP_PEOPLE / 1.5);
    await app.calls.posting.post(organisation, null, { activity: 'leisure', title: 'Aufwärmen', description: 'Vor der Messung', place: { ...WARM_UP_CENTRE, name: 'Hannover' }, startsAt, endsAt: new Date(startsAt.getTime() + HOUR), helpersNeeded });
    jobs.start();
    const done = await Promise.race([sink.reached(WARM_UP_PEOPLE).then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 20_000).unref())]);
    await jobs.stop();
    if (!done) console.log(`  note: the warm-up call reached ${(await sink.report()).accepted.length} of ${WARM_UP_PEOPLE}`);
  } finally {
    await sink.close();
  }
  await new Promise((resolve) => setTimeout(resolve, 1500));
}

async function run(db: Database): Promise<FanoutResult> {
  const app = await composeApp(loadConfig({ QUIET_HOURS: '0-0', CALL_MAX_PER_DAY: '50', LOG_LEVEL: 'silent' }), db, silent);
  const sink = new Sink();
  await sink.listen();
  // BENCH_FANOUT_BATCH / BENCH_FANOUT_POLL_MS: a worker built here with other options, else composeApp's own.
  const batch = Number(process.env.BENCH_FANOUT_BATCH) || undefined;
  const pollMs = Number(process.env.BENCH_FANOUT_POLL_MS) || undefined;
  const jobs =
    batch || pollMs
      ? new JobWorker({
          queue: jobQueue(db.prisma),
          workerId: `bench:${process.pid}:${randomUUID().slice(0, 8)}`,
          handlers: callJobHandlers({ store: app.store, dispatcher: app.calls.dispatcher, messengers: app.messengers, slots: rateSlots(db.prisma), now: () => new Date() }),
          ...(batch ? { batch } : {}),
          ...(pollMs ? { pollMs } : {}),
          log: silent,
        })
      : app.worker;
  const worker = jobs as unknown as { batch: number; pollMs: number; lockMs: number };
  const settings = { batch: worker.batch, pollMs: worker.pollMs, lockMs: worker.lockMs, tuned: jobs !== app.worker };
  try {
    const organisation = await seed(db);
    const startsAt = new Date(Date.now() + 48 * HOUR);
    await warmUp(app, jobs, organisation, startsAt);
    const messenger = new SinkMessenger(sink.url, app.translations.render);
    app.messengers.set('sink', messenger);
    const input = { activity: 'leisure', title: 'Sommerfest im Wohnheim', description: 'Aufbau, Grill, Kinderprogramm', place: 'Göttingen', startsAt, endsAt: new Date(startsAt.getTime() + 4 * HOUR), helpersNeeded: HELPERS_NEEDED };

    // Time the wave as the worker runs it (the handler calls this same dispatcher object).
    const dispatcher = app.calls.dispatcher;
    const wave = dispatcher.wave.bind(dispatcher);
    let waveMs = NaN;
    dispatcher.wave = async (callId) => {
      const start = performance.now();
      try {
        return await wave(callId);
      } finally {
        if (Number.isNaN(waveMs)) waveMs = performance.now() - start;
      }
    };
    const loop = monitorEventLoopDelay({ resolution: 5 });

    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let call;
    try {
      call = await app.calls.posting.post(organisation, null, input);
    } catch (error) {
      if (!(error instanceof CallValidationError)) throw error;
      // CallPosting allows at most 200 helpers; post with 200 and raise it before the first wave runs
      // (the worker is not started yet), so one wave asks all 1,000.
      call = await app.calls.posting.post(organisation, null, { ...input, helpersNeeded: 200 });
      await db.prisma.helperCall.update({ where: { id: call.id }, data: { helpersNeeded: HELPERS_NEEDED } });
      console.log(`  note: CallPosting refuses helpersNeeded ${HELPERS_NEEDED} (${error.problems.map((p) => p.field).join(', ')}: at most 200); posted 200, raised to ${HELPERS_NEEDED} in the database before the wave`);
    }
    const postMs = performance.now() - t0;
    loop.enable();
    jobs.start();
    const done = await Promise.race([sink.reached(PEOPLE).then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), TIMEOUT_MS).unref())]);
    loop.disable();
    await jobs.stop();

    const seen = await sink.report();
    const times = seen.accepted;
    const last = times.at(-1) ?? t0;
    const first = times[0] ?? t0;
    const gaps = times.slice(1).map((t, i) => t - times[i]!).sort((a, b) => a - b);
    const stalls = gaps.filter((g) => g >= 100);
    let busiest = 0;
    const arrivals = seen.arrivals;
    for (let i = 0, j = 0; i < arrivals.length; i++) {
      while (arrivals[i]! - arrivals[j]! >= WINDOW_MS) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    const { collisions, transit } = refusals(seen.requests, messenger.started);
    const waves = await db.prisma.callResponse.count({ where: { callId: call.id } });
    if (waves !== PEOPLE) console.log(`  note: the wave asked ${waves} people, not ${PEOPLE}`);
    return {
      backend: db.kind,
      elapsedMs: last - t0,
      ratio: (last - t0) / FLOOR_MS,
      firstMs: first - t0,
      firstCpuMs: seen.firstCpu ? (seen.firstCpu.user + seen.firstCpu.system - cpu0.user - cpu0.system) / 1000 : NaN,
      sendPhaseMs: last - first,
      sendPhaseRatio: (last - first) / FLOOR_MS,
      medianGapMs: percentile(gaps, 50),
      stalls: stalls.length,
      stalledMs: stalls.reduce((a, b) => a + b, 0),
      beyondSlotsMs: last - first - (PEOPLE - 1) * slotMs(db.kind),
      busiestWindow: busiest,
      postMs,
      waveMs,
      loopDelayP99: loop.percentile(99) / 1e6,
      loopDelayMax: loop.max / 1e6,
      accepted: times.length,
      distinct: seen.distinct,
      refused: seen.refused,
      collisions,
      transitMs: { p50: percentile(transit, 50), p99: percentile(transit, 99), max: transit.at(-1) ?? NaN },
      worker: settings,
      complete: done,
    };
  } finally {
    await jobs.stop();
    await sink.close();
  }
}

/**
 * For each refused request, the accepted request it was the 31st after (within 1000 ms): how far apart
 * the service started the two sends, and how far apart the sink saw them. A start gap of a second and
 * more means the way to the channel (the service's stalls after starting, the sink's thread) closed it.
 */
function refusals(requests: SinkReport['requests'], started: Map<string, number[]>): { collisions: FanoutResult['collisions']; transit: number[] } {
  const seen = new Map<string, number>();
  const startOf = (address: string) => {
    const n = seen.get(address) ?? 0;
    seen.set(address, n + 1);
    return started.get(address)?.[n] ?? NaN;
  };
  const accepted: { at: number; started: number }[] = [];
  const out: FanoutResult['collisions'] = [];
  const transit: number[] = [];
  for (const request of requests) {
    const start = startOf(request.address);
    transit.push(request.at - start);
    if (!request.refused) accepted.push({ at: request.at, started: start });
    else {
      const before = accepted[accepted.length - PER_SECOND];
      if (before) out.push({ startedAfterMs: start - before.started, arrivedAfterMs: request.at - before.at });
    }
  }
  return { collisions: out, transit: transit.sort((a, b) => a - b) };
}

function report(r: FanoutResult): void {
  const verdict = r.complete && r.refused === 0 && r.ratio <= TARGET_RATIO ? 'target met' : 'target MISSED';
  console.log(`  ${r.backend.padEnd(8)} ${r.complete ? '' : `INCOMPLETE after ${TIMEOUT_MS / 1000} s: `}${r.accepted} accepted (${r.distinct} distinct people), ${r.refused} refused`);
  console.log(`  ${r.backend.padEnd(8)} post → last notification ${(r.elapsedMs / 1000).toFixed(2)} s = ${r.ratio.toFixed(3)} × floor (${verdict})`);
  console.log(`  ${r.backend.padEnd(8)} post → first notification ${r.firstMs.toFixed(0)} ms (${r.firstCpuMs.toFixed(0)} ms of this process's CPU); first → last ${(r.sendPhaseMs / 1000).toFixed(2)} s = ${r.sendPhaseRatio.toFixed(3)} × floor`);
  console.log(`  ${r.backend.padEnd(8)} post ${r.postMs.toFixed(0)} ms, first wave (1,000 asked, 1,000 notify jobs enqueued, one transaction) ${r.waveMs.toFixed(0)} ms`);
  console.log(
    `  ${r.backend.padEnd(8)} median gap between notifications ${r.medianGapMs.toFixed(1)} ms (floor ${(1000 / PER_SECOND).toFixed(1)} ms); most requests arriving in any 1000 ms: ${r.busiestWindow} (refused ones included); ` +
      `${r.stalls} gap(s) ≥ 100 ms totalling ${(r.stalledMs / 1000).toFixed(2)} s; send phase ${(r.beyondSlotsMs / 1000).toFixed(2)} s longer than 999 slots of ${slotMs(r.backend).toFixed(3)} ms`,
  );
  const late = r.backend === 'postgres' ? `slots leave ${(30 * (slotMs(r.backend) - 1000 / PER_SECOND)).toFixed(0)} ms of slack per 30 sends; a send more than ${LATE_TOLERANCE_MS} ms late takes a new slot` : 'local slots: a late send keeps its slot, the window keeps the limit';
  console.log(`  ${r.backend.padEnd(8)} event-loop delay while sending: p99 ${r.loopDelayP99.toFixed(1)} ms, max ${r.loopDelayMax.toFixed(1)} ms (${late})`);
  console.log(`  ${r.backend.padEnd(8)} from a send's start to the sink: p50 ${r.transitMs.p50.toFixed(1)} ms, p99 ${r.transitMs.p99.toFixed(1)} ms, max ${r.transitMs.max.toFixed(1)} ms`);
  for (const c of r.collisions) console.log(`  ${r.backend.padEnd(8)} refused: started ${c.startedAfterMs.toFixed(1)} ms after the accepted request ${PER_SECOND} before it, seen by the sink ${c.arrivedAfterMs.toFixed(1)} ms after it`);
  console.log(`  ${r.backend.padEnd(8)} load average after the run ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`  ${r.backend.padEnd(8)} worker: batch ${r.worker.batch}, poll ${r.worker.pollMs} ms, lock ${r.worker.lockMs / 1000} s (${r.worker.tuned ? 'a worker built by the bench with BENCH_FANOUT_BATCH/BENCH_FANOUT_POLL_MS' : "composeApp's worker, defaults"})`);
}

/** Post → last of 1,000 notifications through a strict 30/s channel, as a ratio to 999/30 s. */
export async function benchFanout(): Promise<void> {
  console.log(`fan-out: one call, one wave asking ${PEOPLE} volunteers, through a channel limited to ${PER_SECOND} requests in any ${WINDOW_MS} ms (429 + retry_after beyond)`);
  console.log(`  floor ${(PEOPLE - 1)}/${PER_SECOND} s = ${(FLOOR_MS / 1000).toFixed(1)} s; target ≤ ${TARGET_RATIO} × floor with no request refused`);
  console.log(`  send slots: PostgreSQL (shared by every instance) 1000/${PER_SECOND} ms × ${1 + SLOT_MARGIN} margin = ${slotMs('postgres').toFixed(3)} ms → the send phase alone is ${((slotMs('postgres') * (PEOPLE - 1)) / FLOOR_MS).toFixed(3)} × floor;`);
  console.log(`  PGlite (one process: slots local to it) ${slotMs('pglite').toFixed(3)} ms, each send a second after the channel answered the one ${PER_SECOND} before it`);
  console.log(`  before the timed call, untimed: one call to ${WARM_UP_PEOPLE} other volunteers through a sink of its own, then 1.5 s idle (a running service is warm)`);
  console.log(`  machine: ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  console.log('\nPGlite (in memory)');
  const pglite = await openPglite();
  try {
    const r = await run(pglite);
    fanoutResults.push(r);
    report(r);
  } finally {
    await pglite.close();
  }

  const base = process.env.DATABASE_URL;
  if (!base) {
    console.log('\n(PostgreSQL skipped: DATABASE_URL is not set)');
    return;
  }
  const fresh = await createBenchDatabase(base);
  try {
    console.log(`\nPostgreSQL (database ${fresh.name})`);
    const db = await openDatabase({ kind: 'postgres', url: fresh.url }, { migrate: true, log: silent });
    try {
      const r = await run(db);
      fanoutResults.push(r);
      report(r);
    } finally {
      await db.close();
    }
  } finally {
    await fresh.drop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchFanout();
  process.exit(0);
}
