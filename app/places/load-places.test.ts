import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlaceIndex, distanceKm, type Place, type PlaceIndex } from '../../core/geo/index.js';
import { defaultPlacesFile, findPlacesFile, loadPlaces, parsePlaces } from './load-places.js';

let places: Place[];
let index: PlaceIndex;

beforeAll(async () => {
  places = await loadPlaces();
  index = createPlaceIndex(places);
});

const first = (query: string) => index.search(query)[0];
const near = (place: Place | undefined, lat: number, lon: number, km = 5) =>
  place !== undefined && distanceKm(place, { lat, lon }) <= km;

describe('the data file', () => {
  it('is found relative to the module', async () => {
    expect((await defaultPlacesFile()).replace(/\\/g, '/')).toMatch(/app\/places\/de-places\.tsv$/);
  });

  it('has a sane number of rows, all inside Germany', () => {
    expect(places.length).toBeGreaterThan(12_000);
    expect(places.length).toBeLessThan(20_000);
    for (const p of places) {
      expect(p.name.trim()).toBe(p.name);
      expect(p.name).not.toBe('');
      expect(p.lat).toBeGreaterThan(47.2);
      expect(p.lat).toBeLessThan(55.1);
      expect(p.lon).toBeGreaterThan(5.8);
      expect(p.lon).toBeLessThan(15.1);
    }
  });

  it('covers every postcode area and all 16 states', () => {
    const postcodes = new Set(places.flatMap((p) => (p.postcode ? [p.postcode] : [])));
    expect(postcodes.size).toBeGreaterThan(8_000);
    for (const pc of postcodes) expect(pc).toMatch(/^\d{5}$/);
    expect(new Set(places.map((p) => p.state)).size).toBe(16);
  });
});

describe('searching the real data', () => {
  it.each(['Göttingen', 'goettingen', 'GÖTTINGEN', 'Gottingen'])('finds Göttingen by name as %j', (query) => {
    const found = index.search(query, 10);
    expect(found[0]).toMatchObject({ name: 'Göttingen', state: 'Niedersachsen' });
    expect(near(found[0], 51.5413, 9.9158)).toBe(true);
    expect(found.filter((p) => p.name === 'Göttingen')).toHaveLength(1);
  });

  it.each(['37073', '37073 Göttingen', 'Göttingen 37073'])('finds Göttingen by postcode as %j', (query) => {
    expect(first(query)).toMatchObject({ name: 'Göttingen', postcode: '37073', state: 'Niedersachsen' });
  });

  it('finds Berlin', () => {
    const berlin = first('Berlin');
    expect(berlin).toMatchObject({ name: 'Berlin', state: 'Berlin' });
    expect(near(berlin, 52.52, 13.405)).toBe(true);
    expect(first('10115')?.name).toBe('Berlin');
  });

  it.each(['Muenchen', 'München', 'Munich'])('finds München as %j', (query) => {
    const munich = first(query);
    expect(munich).toMatchObject({ name: 'München', state: 'Bayern' });
    expect(near(munich, 48.1374, 11.5755)).toBe(true);
  });

  it('offers several distinct Neustadts', () => {
    const found = index.search('Neustadt');
    expect(found).toHaveLength(5);
    for (const p of found) expect(p.name).toMatch(/^Neustadt/);
    expect(new Set(found.map((p) => p.state)).size).toBeGreaterThanOrEqual(3);
    for (const [i, a] of found.entries()) {
      for (const b of found.slice(i + 1)) expect(distanceKm(a, b)).toBeGreaterThan(25);
    }
    expect(first('Neustadt an der Weinstraße')?.state).toBe('Rheinland-Pfalz');
    expect(first('Neustadt, Hessen')?.state).toBe('Hessen');
  });

  it('finds both Frankfurts, am Main first', () => {
    const found = index.search('Frankfurt');
    expect(found[0]).toMatchObject({ name: 'Frankfurt am Main', state: 'Hessen' });
    expect(near(found[0], 50.1109, 8.6821, 10)).toBe(true);
    expect(found.some((p) => p.name === 'Frankfurt (Oder)' && p.state === 'Brandenburg')).toBe(true);
    expect(first('Frankfurt/Oder')?.name).toBe('Frankfurt (Oder)');
    expect(first('Frankfurt a.M.')?.name).toBe('Frankfurt am Main');
  });

  it.each(['Xyzzyplatz', 'Hogwarts', 'asdfgh'])('finds nothing for the unknown word %j', (query) => {
    expect(index.search(query)).toEqual([]);
  });

  it.each(['379', '3707', '99', '370733'])('does not guess from the partial postcode %j', (query) => {
    expect(index.search(query)).toEqual([]);
  });
});

describe('parsePlaces', () => {
  it('reads rows, skipping the header, comments and empty lines', () => {
    const tsv = 'name\tpostcode\tlat\tlon\tstate\n# comment\nGöttingen\t37073\t51.5344\t9.9323\tNiedersachsen\n\nKreuzberg\t\t52.4975\t13.4034\t\r\n';
    expect(parsePlaces(tsv)).toEqual([
      { name: 'Göttingen', postcode: '37073', lat: 51.5344, lon: 9.9323, state: 'Niedersachsen' },
      { name: 'Kreuzberg', lat: 52.4975, lon: 13.4034 },
    ]);
  });

  it.each(['Göttingen\t37073\tabc\t9.9\tNiedersachsen', 'Göttingen\t37073', '\t37073\t51.5\t9.9\t'])('rejects the bad line %j', (line) => {
    expect(() => parsePlaces(line)).toThrow(/bad line 1/);
  });
});

describe('findPlacesFile', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'places-'));
    await mkdir(join(root, 'app', 'places'), { recursive: true });
    await mkdir(join(root, 'dist', 'app', 'places'), { recursive: true });
    await writeFile(join(root, 'app', 'places', 'de-places.tsv'), 'name\tpostcode\tlat\tlon\tstate\nX\t\t50\t10\t\n');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('finds the file from a compiled dist/app/places folder', async () => {
    expect(await findPlacesFile(join(root, 'dist', 'app', 'places'))).toBe(join(root, 'app', 'places', 'de-places.tsv'));
    expect(await loadPlaces(await findPlacesFile(join(root, 'dist', 'app', 'places')))).toEqual([{ name: 'X', lat: 50, lon: 10 }]);
  });

  it('finds the file beside the module', async () => {
    expect(await findPlacesFile(join(root, 'app', 'places'))).toBe(join(root, 'app', 'places', 'de-places.tsv'));
  });

  it('says so when there is none', async () => {
    await expect(findPlacesFile(tmpdir())).rejects.toThrow(/not found/);
  });
});
