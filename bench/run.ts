/**
 * `npm run bench`: place lookup, matching, accept latency and fan-out, one after the other,
 * on PGlite and (when DATABASE_URL is set) PostgreSQL. Prints figures and a
 * summary; asserts nothing (a missed target is reported, not failed).
 *
 * Run: `npm run bench`, or `npx tsc -p . && DATABASE_URL=… node dist/bench/run.js`.
 */
import { availableParallelism, loadavg } from 'node:os';
import { acceptCalibrations, acceptResults, benchAccept } from './accept.js';
import { benchFanout, fanoutResults } from './fanout.js';
import { benchMatching } from './matching.js';
import { benchPlaces } from './places.js';

interface Section {
  name: string;
  seconds: number;
  outcome: 'ran' | 'skipped' | 'failed';
  note?: string;
}

const sections: Section[] = [];

function header(title: string): void {
  const line = '='.repeat(100);
  console.log(`\n${line}\n${title}\n${line}`);
}

async function section(name: string, title: string, run: () => Promise<void | 'skipped'>): Promise<void> {
  header(title);
  const start = performance.now();
  try {
    const outcome = await run();
    sections.push({ name, seconds: (performance.now() - start) / 1000, outcome: outcome === 'skipped' ? 'skipped' : 'ran' });
  } catch (error) {
    console.log(`\n!!! ${name} failed: ${(error as Error).stack ?? String(error)}`);
    sections.push({ name, seconds: (performance.now() - start) / 1000, outcome: 'failed', note: (error as Error).message.split('\n')[0] });
  }
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function summary(): void {
  header('summary');
  const rows: string[][] = [];
  const took = (name: string) => sections.find((s) => s.name === name);

  const m = took('matching');
  rows.push(['matching', 'both', m?.outcome === 'ran' ? 'p50/p95 per size: see the matching table' : `${m?.outcome ?? 'not run'}${m?.note ? `: ${m.note}` : ''}`, 'issue floor ×1.5 (100,000 people)', 'see above', m ? m.seconds.toFixed(0) : '']);

  const a = took('accept');
  for (const backend of ['pglite', 'postgres'] as const) {
    const rounds = acceptResults.filter((r) => r.backend === backend);
    if (rounds.length === 0) continue;
    const worst = Math.max(...rounds.map((r) => r.p99));
    const counts = rounds.map((r) => Math.max(r.accepted, r.storedAccepted, r.storedResponses));
    const overbooked = counts.some((c) => c > 5);
    const exact = rounds.every((r) => r.accepted === 5 && r.storedAccepted === 5 && r.storedResponses === 5);
    const cal = acceptCalibrations.find((c) => c.backend === backend);
    rows.push([
      'accept 200 → 5 places',
      backend,
      `p99 ${rounds.map((r) => r.p99.toFixed(0)).join(' / ')} ms; accepted ${counts.join(' / ')}${cal ? `; prepared-SQL floor here p99 ${cal.floorP99.toFixed(0)} ms` : ''}`,
      'p99 ≤ 1.5 × floor here (issue: floor 40 ms, ≤ 60 ms), exactly 5',
      `${overbooked ? 'OVERBOOKED' : exact ? 'exactly 5' : 'WRONG COUNT'}; p99 ${cal && worst <= 1.5 * cal.floorP99 ? 'met' : 'missed'} (${cal ? (worst / cal.floorP99).toFixed(2) : '?'} × floor here; 60 ms ${worst <= 60 ? 'met' : 'missed'})`,
      backend === 'pglite' && a ? a.seconds.toFixed(0) : '',
    ]);
  }
  if (!acceptResults.length) rows.push(['accept 200 → 5 places', '', `${a?.outcome ?? 'not run'}${a?.note ? `: ${a.note}` : ''}`, '', '', a ? a.seconds.toFixed(0) : '']);

  const f = took('fanout');
  for (const r of fanoutResults) {
    const met = r.complete && r.refused === 0 && r.ratio <= 1.03;
    rows.push([
      'fan-out 1,000 at 30/s',
      r.backend,
      `${(r.elapsedMs / 1000).toFixed(1)} s = ${r.ratio.toFixed(3)} × 33.3 s; first after ${(r.firstMs / 1000).toFixed(2)} s; ${r.refused} refused${r.complete ? '' : `; only ${r.accepted} delivered`}`,
      '≤ 1.03 × floor, 0 refused',
      met ? 'met' : 'missed',
      r === fanoutResults[0] && f ? f.seconds.toFixed(0) : '',
    ]);
  }
  if (!fanoutResults.length) rows.push(['fan-out 1,000 at 30/s', '', `${f?.outcome ?? 'not run'}${f?.note ? `: ${f.note}` : ''}`, '', '', f ? f.seconds.toFixed(0) : '']);

  console.log(table(['benchmark', 'backend', 'measured', 'target', 'verdict', 'section s'], rows));
  console.log(`\ntotal ${sections.reduce((s, x) => s + x.seconds, 0).toFixed(0)} s; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} cores`);
  if (!process.env.DATABASE_URL) console.log('PostgreSQL was skipped everywhere: DATABASE_URL is not set.');
}

await section('places', 'places: looking up a typed town or postcode (bench/places.ts)', benchPlaces);
await section('matching', 'matching: one wave’s candidate search (bench/matching.ts)', benchMatching);
await section('accept', 'accept latency: 200 simultaneous accepts for 5 places (bench/accept.ts)', benchAccept);
await section('fanout', 'fan-out: post → 1,000 notifications through a strict 30/s channel (bench/fanout.ts)', benchFanout);
summary();
// Figures, not assertions: only a benchmark that could not run makes this fail.
process.exit(sections.some((s) => s.outcome === 'failed') ? 1 : 0);
