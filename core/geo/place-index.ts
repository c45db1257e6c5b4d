import { distanceKm } from './distance.js';

export interface Place {
  name: string;
  postcode?: string;
  lat: number;
  lon: number;
  state?: string;
}

/**
 * How a place matched: by its `postcode`; by `name` (the same name, ignoring case,
 * accents, punctuation and qualifiers such as "am Main" or "(Oder)" the query left out);
 * by a `similar` name (an abbreviated qualifier, a dropped word, a district of a city);
 * or by a name that begins with the query (`prefix`).
 */
export type PlaceMatchKind = 'postcode' | 'name' | 'similar' | 'prefix';

export interface PlaceMatch {
  place: Place;
  kind: PlaceMatchKind;
}

export interface PlaceResolver {
  /** Best matches first, at most `limit` (default 5). */
  search(query: string, limit?: number): Place[];
}

export interface PlaceIndex extends PlaceResolver {
  /** Like `search`, and tells how each place matched (to decide whether to ask back). */
  match(query: string, limit?: number): PlaceMatch[];
}

const DEFAULT_LIMIT = 5;
/** Places of the same name and state closer than this are one town (with several postcodes). */
const SAME_TOWN_KM = 25;
const MIN_PREFIX_LENGTH = 3;
/** Upper bound of index entries looked at for a prefix query, to keep short queries fast. */
const MAX_PREFIX_SCAN = 4000;

/** Words that join a name and its qualifier: "Frankfurt am Main", "Neustadt a. d. Weinstraße". */
const JOINERS = new Set([
  'a', 'am', 'an', 'auf', 'b', 'bei', 'd', 'dem', 'den', 'der', 'die', 'i', 'im', 'in', 'ob', 'v', 'vor', 'vorm', 'zum', 'zur',
]);
/** Titles some towns carry in front of their name ("Lutherstadt Wittenberg"); also indexed without. */
const TITLES = new Set([
  'bergstadt', 'hansestadt', 'kreisstadt', 'kurort', 'landeshauptstadt', 'lutherstadt', 'residenzstadt', 'universitaetsstadt',
]);
/** Words people put around a town's name ("Stadt Göttingen", "Landkreis Göttingen", "Göttingen Stadt"); dropped if nothing else matches. */
const NOISE = new Set([...TITLES, 'gemeinde', 'kreis', 'landkreis', 'lk', 'lkr', 'markt', 'ort', 'stadt', 'hauptstadt']);
/** Foreign names of German cities (folded). */
const ALIASES = new Map([
  ['munich', 'muenchen'],
  ['cologne', 'koeln'],
  ['nuremberg', 'nuernberg'],
  ['hanover', 'hannover'],
  ['brunswick', 'braunschweig'],
]);
const STATE_ABBREVIATIONS = new Map([
  ['bw', 'baden wuerttemberg'],
  ['by', 'bayern'],
  ['bavaria', 'bayern'],
  ['be', 'berlin'],
  ['bb', 'brandenburg'],
  ['hb', 'bremen'],
  ['hh', 'hamburg'],
  ['he', 'hessen'],
  ['hesse', 'hessen'],
  ['mv', 'mecklenburg vorpommern'],
  ['ni', 'niedersachsen'],
  ['nds', 'niedersachsen'],
  ['nrw', 'nordrhein westfalen'],
  ['nw', 'nordrhein westfalen'],
  ['rp', 'rheinland pfalz'],
  ['rlp', 'rheinland pfalz'],
  ['sl', 'saarland'],
  ['sn', 'sachsen'],
  ['st', 'sachsen anhalt'],
  ['sh', 'schleswig holstein'],
  ['th', 'thueringen'],
]);

interface NameForm {
  /** All words: "frankfurt am main". */
  full: string;
  /** Without joining words: "frankfurt main". */
  compact: string;
  compactTokens: string[];
  /** Per compact token: written with a trailing dot ("Westf.")? */
  abbreviated: boolean[];
  /** The name without its qualifier: "frankfurt". */
  core: string;
}

/** Lower case without accents; ä → ae (or a), ß → ss. */
function fold(text: string, umlautsAsE: boolean): string {
  let t = text.toLowerCase();
  if (!/[^ -~]/.test(t)) return t; // plain ASCII
  t = t.normalize('NFC');
  if (umlautsAsE) t = t.replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue');
  return t.replace(/ß/g, 'ss').normalize('NFD').replace(/\p{M}/gu, '');
}

function nameForm(text: string, umlautsAsE = true): NameForm {
  const words: { word: string; dot: boolean }[] = [];
  const core: string[] = [];
  let qualified = false;
  for (const part of fold(text, umlautsAsE).match(/[a-z0-9]+\.?|[(/,]/g) ?? []) {
    if (part === '(' || part === '/' || part === ',') {
      qualified = words.length > 0;
      continue;
    }
    const dot = part.endsWith('.');
    const raw = dot ? part.slice(0, -1) : part;
    const word = raw === 'st' ? 'sankt' : raw;
    words.push({ word, dot });
    if (!qualified && core.length > 0 && JOINERS.has(word)) qualified = true;
    if (!qualified) core.push(word);
  }
  const compact = words.filter((w, i) => i === 0 || !JOINERS.has(w.word));
  return {
    full: words.map((w) => w.word).join(' '),
    compact: compact.map((w) => w.word).join(' '),
    compactTokens: compact.map((w) => w.word),
    abbreviated: compact.map((w) => w.dot),
    core: core.join(' '),
  };
}

/** The normalised form used for comparing place names: "Frankfurt (Oder)" → "frankfurt oder", "Göttingen" → "goettingen". */
export function normalizePlaceName(name: string): string {
  return nameForm(name).full;
}

/** The query's words equal the place's, or abbreviate them ("Frankfurt a.M.", "Halle/Westf."). */
function abbreviates(query: NameForm, place: NameForm): boolean {
  const q = query.compactTokens;
  const p = place.compactTokens;
  if (q.length !== p.length || q.length < 2 || q[0] !== p[0]) return false;
  for (let i = 1; i < q.length; i++) {
    const a = q[i] as string;
    const b = p[i] as string;
    if (a === b || b.startsWith(a)) continue;
    if (place.abbreviated[i] && a.startsWith(b)) continue;
    return false;
  }
  return true;
}

function addTo<K>(map: Map<K, number[]>, key: K, id: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [id]);
  else if (list[list.length - 1] !== id) list.push(id);
}

interface Town {
  /** The first place of the town in the input (its first postcode). */
  place: Place;
  forms: NameForm[];
}

interface PostcodeQuery {
  postcode?: string;
  /** The rest of the query, without digits. */
  text: string;
}

function parseQuery(query: string): PostcodeQuery | undefined {
  const q = query.normalize('NFC').trim().replace(/^de?\s*-\s*(?=\d)/i, '');
  if (q === '') return undefined;
  const postcode = /(?<!\d)\d{5}(?!\d)/.exec(q)?.[0];
  const text = q
    .replace(/\d+/g, ' ')
    .replace(/^[\s,;:.\-]+|[\s,;:\-]+$/g, '')
    .trim();
  if (!postcode && text === '') return undefined; // "379": a partial postcode is not guessed
  return { postcode, text };
}

/**
 * An in-memory index over places for resolving what people type as their home place.
 *
 * - A five-digit postcode (alone or with a name) returns the places with that postcode;
 *   a partial postcode returns nothing.
 * - A name matches ignoring case, accents and punctuation, with ä = ae, ö = oe, ü = ue,
 *   ß = ss; "Frankfurt" finds "Frankfurt am Main" and "Frankfurt (Oder)", "Frankfurt a.M."
 *   the former; "Neustadt, Hessen" prefers that state.
 * - Names that merely begin with the query ("Götting") are offered only when no name
 *   matches as a whole, so that a one-element result means the name is unambiguous.
 * - Among equally good matches, places earlier in `places` rank first (the data file is
 *   sorted by population).
 * - Places of the same name and state within a few km are one town: a search by name
 *   returns it once, as its first place in `places` (its first postcode).
 */
export function createPlaceIndex(places: Place[]): PlaceIndex {
  const towns: Town[] = [];
  const townOf: number[] = [];
  const townsByKey = new Map<string, number[]>();
  const byPostcode = new Map<string, number[]>();

  const fullNames = new Map<string, string>();
  places.forEach((place, i) => {
    if (place.postcode) addTo(byPostcode, place.postcode, i);
    let full = fullNames.get(place.name);
    if (full === undefined) {
      full = nameForm(place.name).full;
      fullNames.set(place.name, full);
    }
    const key = `${full}|${place.state ?? ''}`;
    const sameName = townsByKey.get(key) ?? [];
    const existing = sameName.find((t) => distanceKm((towns[t] as Town).place, place) <= SAME_TOWN_KM);
    if (existing !== undefined) {
      townOf.push(existing);
      return;
    }
    const forms = [nameForm(place.name, true)];
    const umlautsAsVowel = nameForm(place.name, false);
    if (umlautsAsVowel.full !== full) forms.push(umlautsAsVowel);
    for (const form of [...forms]) {
      const first = form.compactTokens[0];
      if (first && TITLES.has(first) && form.compactTokens.length > 1) forms.push(nameForm(form.full.slice(first.length + 1)));
    }
    towns.push({ place, forms });
    townOf.push(towns.length - 1);
    addTo(townsByKey, key, towns.length - 1);
  });

  const byFull = new Map<string, number[]>();
  const byCompact = new Map<string, number[]>();
  const byCore = new Map<string, number[]>(); // only names with a qualifier
  const byFirstWord = new Map<string, number[]>(); // names of two or more words
  const prefixKeys: { key: string; town: number }[] = [];
  towns.forEach((town, id) => {
    for (const form of town.forms) {
      addTo(byFull, form.full, id);
      addTo(byCompact, form.compact, id);
      if (form.core !== form.full && form.core !== '') addTo(byCore, form.core, id);
      if (form.compactTokens.length >= 2) addTo(byFirstWord, form.compactTokens[0] as string, id);
      prefixKeys.push({ key: form.full, town: id });
    }
  });
  prefixKeys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.town - b.town));

  const stateNames = new Map<string, string>(); // folded → as in the data
  for (const place of places) if (place.state) stateNames.set(nameForm(place.state).full, place.state);

  /** The state named by `text` ("Hessen", "hessen", "NRW"), as written in the data. */
  function stateOf(text: string): string | undefined {
    const word = text.trim().toLowerCase();
    return stateNames.get(STATE_ABBREVIATIONS.get(word) ?? nameForm(word).full);
  }

  function prefixMatches(prefix: string): number[] {
    let lo = 0;
    let hi = prefixKeys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((prefixKeys[mid] as { key: string }).key < prefix) lo = mid + 1;
      else hi = mid;
    }
    const found = new Set<number>();
    for (let i = lo; i < prefixKeys.length && i < lo + MAX_PREFIX_SCAN; i++) {
      const entry = prefixKeys[i] as { key: string; town: number };
      if (!entry.key.startsWith(prefix)) break;
      found.add(entry.town);
    }
    return [...found].sort((a, b) => a - b);
  }

  /** Town ids by kind, best kind first, each kind in input order. */
  function byName(text: string): { kind: PlaceMatchKind; towns: number[] }[] {
    let q = nameForm(text);
    if (q.full === '') return [];
    const alias = ALIASES.get(q.full);
    if (alias) q = nameForm(alias);
    const sorted = (ids: Iterable<number>) => [...new Set(ids)].sort((a, b) => a - b);

    const exact = sorted([...(byFull.get(q.full) ?? []), ...(byCompact.get(q.compact) ?? []), ...(byCore.get(q.full) ?? [])]);
    const abbreviated = sorted(
      (byFirstWord.get(q.compactTokens[0] ?? '') ?? []).filter((id) => (towns[id] as Town).forms.some((f) => abbreviates(q, f))),
    );
    const tiers: { kind: PlaceMatchKind; towns: number[] }[] = [
      { kind: 'name', towns: exact },
      { kind: 'similar', towns: abbreviated },
    ];
    if (exact.length === 0 && abbreviated.length === 0 && q.core !== q.full && q.core !== '') {
      // "Neustadt (Hessen)", "Neustadt an der Weinstraße" unknown as such: the Neustadts of
      // the state named, if any, else all
      const loose = sorted([...(byFull.get(q.core) ?? []), ...(byCore.get(q.core) ?? [])]);
      const qualifier = q.full.slice(q.core.length).trim();
      const state = stateOf(qualifier) ?? stateOf(qualifier.split(' ').slice(-1)[0] ?? '');
      const inState = loose.filter((id) => (towns[id] as Town).place.state === state);
      tiers.push({ kind: 'similar', towns: inState.length > 0 ? inState : loose });
    }
    if (q.full.length >= MIN_PREFIX_LENGTH) tiers.push({ kind: 'prefix', towns: prefixMatches(q.full) });
    return tiers;
  }

  function searchByName(text: string, limit: number, state?: string): PlaceMatch[] {
    const out: PlaceMatch[] = [];
    const seen = new Set<number>();
    const collect = (tiers: { kind: PlaceMatchKind; towns: number[] }[], kindOverride?: PlaceMatchKind) => {
      for (const tier of tiers) {
        for (const id of tier.towns) {
          if (out.length >= limit) return;
          const town = towns[id] as Town;
          if (seen.has(id) || (state && town.place.state !== state)) continue;
          seen.add(id);
          out.push({ place: town.place, kind: kindOverride ?? tier.kind });
        }
      }
    };
    // Names that merely begin with the query only when nothing matches better: "Berlin"
    // is Berlin, not also Berlingerode.
    const tiers = byName(text);
    collect(tiers.filter((t) => t.kind !== 'prefix'));
    if (out.length === 0) collect(tiers.filter((t) => t.kind === 'prefix'));
    if (out.length > 0) return out;

    // "Stadt Göttingen", "Landkreis Göttingen"
    const words = text.split(/[\s,]+/).filter(Boolean);
    const isNoise = (w: string) => NOISE.has(nameForm(w).full);
    let from = 0;
    let to = words.length;
    while (from < to - 1 && isNoise(words[from] as string)) from++;
    while (to - 1 > from && isNoise(words[to - 1] as string)) to--;
    if (from > 0 || to < words.length) {
      collect(byName(words.slice(from, to).join(' ')), 'similar');
      if (out.length > 0) return out;
    }

    // "Berlin-Kreuzberg", "Hamburg Altona": the district, else the city
    const parts = text.split(/[\s\-–/]+/).filter((p) => nameForm(p).full.length >= MIN_PREFIX_LENGTH);
    if (parts.length >= 2) {
      for (const part of [parts.slice(1).join(' '), parts[parts.length - 1] as string, parts[0] as string]) {
        collect(
          byName(part).filter((t) => t.kind !== 'prefix'),
          'similar',
        );
      }
    }
    return out;
  }

  function match(query: string, limitWanted = DEFAULT_LIMIT): PlaceMatch[] {
    const limit = Math.floor(limitWanted);
    if (!(limit > 0)) return [];
    const parsed = parseQuery(query);
    if (!parsed) return [];
    const { postcode, text } = parsed;

    if (postcode) {
      const ids = byPostcode.get(postcode);
      if (ids) {
        let found = ids;
        if (text) {
          // "37073 Göttingen": the postcode decides; a place of that name goes first
          const wanted = new Set(byName(text).filter((t) => t.kind !== 'prefix').flatMap((t) => t.towns));
          const named = (i: number) => wanted.has(townOf[i] as number);
          found = [...ids.filter(named), ...ids.filter((i) => !named(i))];
        }
        return found.slice(0, limit).map((i) => ({ place: places[i] as Place, kind: 'postcode' as const }));
      }
      if (!text) return [];
    }

    // "Neustadt, Hessen"
    const comma = text.lastIndexOf(',');
    if (comma > 0) {
      const state = stateOf(text.slice(comma + 1));
      if (state) {
        const inState = searchByName(text.slice(0, comma), limit, state);
        return inState.length > 0 ? inState : searchByName(text.slice(0, comma), limit);
      }
    }
    return searchByName(text, limit);
  }

  return {
    match,
    search: (query, limit) => match(query, limit).map((m) => m.place),
  };
}
