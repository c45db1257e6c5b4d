import { access, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Place } from '../../core/geo/index.js';

const DATA_FILE = 'de-places.tsv';
const FROM_ROOT = join('app', 'places', DATA_FILE);

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * The data file for code in `startDir`: `de-places.tsv` in it, else `app/places/de-places.tsv`
 * in it or the nearest folder above (so that it is found from a compiled `dist/app/places/` too).
 */
export async function findPlacesFile(startDir: string): Promise<string> {
  const beside = join(startDir, DATA_FILE);
  if (await exists(beside)) return beside;
  for (let dir = startDir; ; dir = dirname(dir)) {
    const candidate = join(dir, FROM_ROOT);
    if (await exists(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`${FROM_ROOT} not found in or above ${startDir}`);
}

/** The data file as seen from this module. */
export function defaultPlacesFile(): Promise<string> {
  return findPlacesFile(dirname(fileURLToPath(import.meta.url)));
}

/** Parses the TSV (header `name postcode lat lon state`; `#` lines are comments). */
export function parsePlaces(tsv: string): Place[] {
  const places: Place[] = [];
  const lines = tsv.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line === '' || line.startsWith('#') || (i === 0 && line.startsWith('name\t'))) return;
    const [name, postcode, lat, lon, state] = line.split('\t');
    const place: Place = { name: name ?? '', lat: Number(lat), lon: Number(lon) };
    if (!place.name || !Number.isFinite(place.lat) || !Number.isFinite(place.lon) || lat === '' || lon === '') {
      throw new Error(`places: bad line ${i + 1}: ${JSON.stringify(line)}`);
    }
    if (postcode) place.postcode = postcode;
    if (state) place.state = state;
    places.push(place);
  });
  return places;
}

/** Reads the German places shipped in `app/places/de-places.tsv` (or `file`). */
export async function loadPlaces(file?: string): Promise<Place[]> {
  return parsePlaces(await readFile(file ?? (await defaultPlacesFile()), 'utf8'));
}
