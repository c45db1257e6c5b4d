export { distanceKm } from './distance.js';
export type { LatLon } from './distance.js';
export { createPlaceIndex, normalizePlaceName } from './place-index.js';
export type { Place, PlaceIndex, PlaceMatch, PlaceMatchKind, PlaceResolver } from './place-index.js';
export { gridCell, cellsAround, CELL_DEGREES } from './grid.js';
