/**
 * Place lookup speed: what typing a town or postcode costs, on the shipped
 * place data and on 20,000 generated names (the index must stay well under a
 * millisecond per lookup, so a registration step never waits for it).
 *
 * Run: `npx tsc -p . && node dist/bench/places.js`.
 */
import { pathToFileURL } from 'node:url';
import { createPlaceIndex, type Place } from '../core/index.js';
import { placeLookup } from '../app/places/place-lookup.js';
import { percentile } from './support.js';

const QUERIES = ['Berlinburg', 'neu', 'Altdorfheim am Main', 'Kir', '12345', 'Unbekannt', 'Ro-Den', 'Neustadt, Hessen', 'Göttingen', '37073', 'Frankfurt a.M.', 'Berlin-Kreuzberg', 'sch', 'Halle (Westf.)'];
const ROUNDS = 200;

function generated(count: number): Place[] {
  const syllables = ['ber', 'lin', 'gen', 'dorf', 'stadt', 'hau', 'sen', 'bach', 'kir', 'chen', 'neu', 'alt', 'ro', 'den', 'burg', 'heim'];
  return Array.from({ length: count }, (_, i) => {
    const [a, b, c] = [syllables[i % 16]!, syllables[Math.floor(i / 16) % 16]!, syllables[Math.floor(i / 256) % 16]!];
    return { name: `${a[0]!.toUpperCase()}${a.slice(1)}${b}${c}${i % 3 === 0 ? ' am Main' : ''}`, postcode: String(10000 + (i % 89999)), lat: 47 + (i % 800) / 100, lon: 6 + (i % 900) / 100, state: 'Hessen' };
  });
}

function measure(label: string, search: (q: string) => unknown): void {
  for (const q of QUERIES) search(q);
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    for (const q of QUERIES) {
      const start = performance.now();
      search(q);
      times.push(performance.now() - start);
    }
  }
  times.sort((a, b) => a - b);
  console.log(`  ${label.padEnd(28)} p50 ${percentile(times, 50).toFixed(3)} ms  p99 ${percentile(times, 99).toFixed(3)} ms  (${times.length} lookups; target well under 1 ms)`);
}

export async function benchPlaces(): Promise<void> {
  console.log('places: one lookup of a typed town or postcode');
  const shipped = await placeLookup();
  measure('shipped German places', (q) => shipped.search(q, 5));
  const big = createPlaceIndex(generated(20_000));
  measure('20,000 generated names', (q) => big.search(q));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchPlaces();
}
