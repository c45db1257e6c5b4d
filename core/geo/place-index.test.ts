import { describe, expect, it } from 'vitest';
import { createPlaceIndex, distanceKm, normalizePlaceName, type Place } from './index.js';

const GOETTINGEN = ['37073', '37075', '37077', '37079', '37081', '37083', '37085'].map(
  (postcode, i): Place => ({ name: 'Göttingen', postcode, lat: 51.5344 + i * 0.002, lon: 9.9323, state: 'Niedersachsen' }),
);

/** In order of importance, as in the data file. */
const PLACES: Place[] = [
  { name: 'Berlin', postcode: '10115', lat: 52.5244, lon: 13.4105, state: 'Berlin' },
  { name: 'Berlin', postcode: '10117', lat: 52.5244, lon: 13.4105, state: 'Berlin' },
  { name: 'München', postcode: '80331', lat: 48.1374, lon: 11.5755, state: 'Bayern' },
  { name: 'Frankfurt am Main', postcode: '60311', lat: 50.1155, lon: 8.6842, state: 'Hessen' },
  { name: 'Essen', postcode: '45127', lat: 51.4566, lon: 7.0123, state: 'Nordrhein-Westfalen' },
  { name: 'Halle (Saale)', postcode: '06108', lat: 51.4816, lon: 11.9795, state: 'Sachsen-Anhalt' },
  ...GOETTINGEN,
  { name: 'Frankfurt (Oder)', postcode: '15230', lat: 52.3471, lon: 14.5506, state: 'Brandenburg' },
  { name: 'Neustadt an der Weinstraße', postcode: '67433', lat: 49.3501, lon: 8.1389, state: 'Rheinland-Pfalz' },
  { name: 'Bad Homburg vor der Höhe', postcode: '61348', lat: 50.2291, lon: 8.6105, state: 'Hessen' },
  { name: 'Neustadt am Rübenberge', postcode: '31535', lat: 52.5046, lon: 9.4594, state: 'Niedersachsen' },
  { name: 'Sankt Augustin', postcode: '53757', lat: 50.7723, lon: 7.1867, state: 'Nordrhein-Westfalen' },
  { name: 'Lutherstadt Wittenberg', postcode: '06886', lat: 51.8667, lon: 12.6484, state: 'Sachsen-Anhalt' },
  { name: 'Halle (Westf.)', postcode: '33790', lat: 52.0606, lon: 8.3601, state: 'Nordrhein-Westfalen' },
  { name: 'Mühlhausen/Thüringen', postcode: '99974', lat: 51.209, lon: 10.4528, state: 'Thüringen' },
  { name: 'Neustadt', postcode: '35279', lat: 50.85, lon: 9.1167, state: 'Hessen' },
  { name: 'Essen (Oldenburg)', postcode: '49632', lat: 52.6924, lon: 7.9381, state: 'Niedersachsen' },
  { name: 'Körner', postcode: '99998', lat: 51.2313, lon: 10.5888, state: 'Thüringen' },
  { name: 'Mühlhausen/Thüringen', postcode: '99998', lat: 51.209, lon: 10.4528, state: 'Thüringen' },
  { name: 'Neustadt-Glewe', postcode: '19374', lat: 53.3797, lon: 11.5927, state: 'Mecklenburg-Vorpommern' },
  { name: 'Hallerndorf', postcode: '91352', lat: 49.7597, lon: 10.9767, state: 'Bayern' },
  { name: 'Altenhof', postcode: '24340', lat: 54.4333, lon: 9.8667, state: 'Schleswig-Holstein' },
  { name: 'Altenhof', postcode: '23617', lat: 53.9667, lon: 10.6167, state: 'Schleswig-Holstein' },
  { name: 'Neustadt', lat: 53.552, lon: 9.9856, state: 'Hamburg' },
  { name: 'Kreuzberg', lat: 52.4975, lon: 13.4034, state: 'Berlin' },
];

const index = createPlaceIndex(PLACES);
const names = (query: string, limit?: number) => index.search(query, limit).map((p) => p.name);
const first = (query: string) => index.search(query)[0];

describe('distanceKm', () => {
  const berlin = { lat: 52.52, lon: 13.405 };
  const munich = { lat: 48.1374, lon: 11.5755 };

  it('measures great-circle distances', () => {
    expect(distanceKm(berlin, munich)).toBeCloseTo(504, 0);
    expect(distanceKm({ lat: 51.5344, lon: 9.9323 }, { lat: 51.3127, lon: 9.4797 })).toBeCloseTo(40, 0); // Göttingen–Kassel
    expect(distanceKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(Math.PI * 6371.0088, 3);
  });

  it('is zero for the same point and symmetric', () => {
    expect(distanceKm(berlin, berlin)).toBe(0);
    expect(distanceKm(berlin, munich)).toBeCloseTo(distanceKm(munich, berlin), 9);
  });
});

describe('normalizePlaceName', () => {
  it.each([
    ['Göttingen', 'goettingen'],
    ['GÖTTINGEN', 'goettingen'],
    ['Frankfurt (Oder)', 'frankfurt oder'],
    ['St. Ingbert', 'sankt ingbert'],
    ['Weißwasser/O.L.', 'weisswasser o l'],
    ['  Bad   Homburg v. d. Höhe ', 'bad homburg v d hoehe'],
    ['Go\u0308ttingen', 'goettingen'], // decomposed umlaut
  ])('%s → %s', (input, expected) => expect(normalizePlaceName(input)).toBe(expected));
});

describe('postcodes', () => {
  it('finds the place of a postcode, with that postcode', () => {
    expect(index.search('37075')).toEqual([GOETTINGEN[1]]);
    expect(first('  60311 ')?.name).toBe('Frankfurt am Main');
  });

  it.each(['37073 Göttingen', 'Göttingen 37073', '37073, Göttingen', 'D-37073', 'D 37073', '37073 Goettingen'])(
    'resolves %j by its postcode',
    (query) => {
      expect(index.search(query)[0]).toEqual(GOETTINGEN[0]);
      expect(index.match(query)[0]?.kind).toBe('postcode');
    },
  );

  it('lets the postcode win over a different name', () => {
    expect(first('37083 Berlin')).toEqual(GOETTINGEN[5]);
  });

  it('returns every place sharing a postcode, the named one first', () => {
    expect(names('99998')).toEqual(['Körner', 'Mühlhausen/Thüringen']);
    expect(names('99998 Mühlhausen')).toEqual(['Mühlhausen/Thüringen', 'Körner']);
  });

  it.each(['379', '3707', '37', '370733', '37 073', '0'])('does not guess from the partial postcode %j', (query) => {
    expect(index.search(query)).toEqual([]);
  });

  it('finds nothing for an unknown postcode', () => {
    expect(index.search('99999')).toEqual([]);
  });

  it('falls back to the name when the postcode is unknown', () => {
    expect(first('99999 Göttingen')?.name).toBe('Göttingen');
  });
});

describe('names', () => {
  it.each(['Göttingen', 'göttingen', 'GÖTTINGEN', 'Goettingen', 'goettingen', 'Gottingen', '  Göttingen  ', 'Go\u0308ttingen'])(
    'finds Göttingen as %j, once, with its first postcode',
    (query) => {
      const found = index.match(query, 10);
      expect(found.filter((m) => m.place.name === 'Göttingen')).toEqual([{ place: GOETTINGEN[0], kind: 'name' }]);
      expect(found[0]?.place).toEqual(GOETTINGEN[0]);
    },
  );

  it.each(['Muenchen', 'München', 'munchen', 'MÜNCHEN', 'Munich'])('finds München as %j', (query) => {
    expect(first(query)?.name).toBe('München');
  });

  it('finds the towns whose name has a qualifier by the bare name, bigger first', () => {
    expect(names('Frankfurt')).toEqual(['Frankfurt am Main', 'Frankfurt (Oder)']);
    expect(names('Halle').slice(0, 2)).toEqual(['Halle (Saale)', 'Halle (Westf.)']);
  });

  it.each([
    ['Frankfurt am Main', 'Frankfurt am Main'],
    ['frankfurt (main)', 'Frankfurt am Main'],
    ['Frankfurt a.M.', 'Frankfurt am Main'],
    ['Frankfurt a. M.', 'Frankfurt am Main'],
    ['Frankfurt/M.', 'Frankfurt am Main'],
    ['Frankfurt (Oder)', 'Frankfurt (Oder)'],
    ['Frankfurt/Oder', 'Frankfurt (Oder)'],
    ['Frankfurt Oder', 'Frankfurt (Oder)'],
    ['Frankfurt an der Oder', 'Frankfurt (Oder)'],
    ['Halle/Saale', 'Halle (Saale)'],
    ['Halle an der Saale', 'Halle (Saale)'],
    ['Halle (Westfalen)', 'Halle (Westf.)'],
    ['Neustadt a.d. Weinstr.', 'Neustadt an der Weinstraße'],
    ['Neustadt/Weinstraße', 'Neustadt an der Weinstraße'],
    ['Bad Homburg', 'Bad Homburg vor der Höhe'],
    ['Bad Homburg v.d.H.', 'Bad Homburg vor der Höhe'],
    ['St. Augustin', 'Sankt Augustin'],
    ['Wittenberg', 'Lutherstadt Wittenberg'],
    ['Mühlhausen', 'Mühlhausen/Thüringen'],
    ['Stadt Göttingen', 'Göttingen'],
    ['Landkreis Göttingen', 'Göttingen'],
    ['Göttingen Stadt', 'Göttingen'],
  ])('understands %j as %s', (query, expected) => {
    expect(first(query)?.name).toBe(expected);
  });

  it('ranks exact names before prefix matches, which it offers only if no name matches as a whole', () => {
    expect(index.match('Halle').map((m) => [m.place.name, m.kind])).toEqual([
      ['Halle (Saale)', 'name'],
      ['Halle (Westf.)', 'name'],
    ]);
    expect(names('Berlin')).toEqual(['Berlin']);
    expect(names('Neustadt', 10)).not.toContain('Neustadt-Glewe');
    expect(index.match('Hall').map((m) => [m.place.name, m.kind])).toEqual([
      ['Halle (Saale)', 'prefix'],
      ['Halle (Westf.)', 'prefix'],
      ['Hallerndorf', 'prefix'],
    ]);
  });

  it('finds names by their beginning', () => {
    expect(index.match('Götting')).toEqual([{ place: GOETTINGEN[0], kind: 'prefix' }]);
    expect(names('Hallern')).toEqual(['Hallerndorf']);
    expect(names('Neustadt-G')).toEqual(['Neustadt-Glewe']);
    expect(names('Ha')).toEqual([]); // too short to guess
  });

  it('returns several distinct places for an ambiguous name', () => {
    const found = index.search('Neustadt', 10).filter((p) => p.name.startsWith('Neustadt') && p.name !== 'Neustadt-Glewe');
    expect(found.map((p) => p.state)).toEqual(['Rheinland-Pfalz', 'Niedersachsen', 'Hessen', 'Hamburg']);
  });

  it('keeps places of the same name and state apart when they are far apart', () => {
    expect(index.search('Altenhof').map((p) => p.postcode)).toEqual(['24340', '23617']);
  });

  it('narrows an ambiguous name down by a state', () => {
    expect(first('Neustadt, Hessen')).toMatchObject({ name: 'Neustadt', state: 'Hessen' });
    expect(index.search('Neustadt (Hessen)')).toEqual([expect.objectContaining({ name: 'Neustadt', state: 'Hessen' })]);
    expect(index.search('Neustadt in Bayern').map((p) => p.state)).toEqual(['Rheinland-Pfalz', 'Niedersachsen', 'Hessen', 'Hamburg']);
    expect(first('Neustadt, NRW')?.state).toBe('Rheinland-Pfalz'); // no Neustadt there: unfiltered
    expect(first('Essen, Niedersachsen')?.name).toBe('Essen (Oldenburg)');
    expect(first('Halle, ST')?.name).toBe('Halle (Saale)');
    expect(first('Halle, nrw')?.name).toBe('Halle (Westf.)');
  });

  it('ranks equally good matches in input order', () => {
    expect(names('Essen')).toEqual(['Essen', 'Essen (Oldenburg)']);
  });

  it('finds a city district, and the city, for "City-District"', () => {
    expect(index.match('Berlin-Kreuzberg').map((m) => [m.place.name, m.kind])).toEqual([
      ['Kreuzberg', 'similar'],
      ['Berlin', 'similar'],
    ]);
  });

  it.each(['', '   ', 'Xyzzy', 'Atlantis', '!!!', 'Nilstadt am Main'])('finds nothing for %j', (query) => {
    expect(index.search(query)).toEqual([]);
  });

  it('offers the towns of that name, as merely similar, for an unknown qualifier', () => {
    expect(index.match('Frankfurt am Nil').map((m) => [m.place.name, m.kind])).toEqual([
      ['Frankfurt am Main', 'similar'],
      ['Frankfurt (Oder)', 'similar'],
    ]);
  });

  it('respects the limit, 5 by default', () => {
    const eight = createPlaceIndex(
      Array.from({ length: 8 }, (_, i): Place => ({ name: 'Neustadt', lat: 48 + i, lon: 10, state: 'Bayern' })),
    );
    expect(eight.search('Neustadt')).toHaveLength(5);
    expect(eight.search('Neustadt', 8)).toHaveLength(8);
    expect(index.search('Neustadt', 2)).toHaveLength(2);
    expect(index.search('Neustadt', 0)).toEqual([]);
    expect(index.search('99998', 1)).toHaveLength(1);
  });

  it('works on an empty list', () => {
    expect(createPlaceIndex([]).search('Göttingen')).toEqual([]);
  });
});
