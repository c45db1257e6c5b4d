import { createPlaceIndex, distanceKm, type Place, type PlaceLookup } from '../../core/index.js';
import { loadPlaces } from './load-places.js';

let cached: Promise<PlaceLookup> | undefined;

/** The offline place lookup over the shipped German places, loaded once per process. */
export function placeLookup(): Promise<PlaceLookup> {
  cached ??= loadPlaces().then(lookupOver);
  return cached;
}

export function lookupOver(places: Place[]): PlaceLookup {
  const index = createPlaceIndex(places);
  const withPostcode = places.filter((p) => p.postcode);
  return {
    search: (query, limit) => index.search(query, limit),
    nearest(lat, lon) {
      let best: Place | undefined;
      let bestKm = Infinity;
      // Towns have postcodes; districts and hamlets in the data do not. People name their town.
      for (const place of withPostcode.length ? withPostcode : places) {
        const km = distanceKm({ lat, lon }, place);
        if (km < bestKm) {
          bestKm = km;
          best = place;
        }
      }
      // A shared location far from every known place (abroad, or a bad fix) gets no name.
      return bestKm <= 25 ? best : undefined;
    },
  };
}
