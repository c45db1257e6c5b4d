import { distanceKm } from './distance.js';

/** Cells are 0.1° of latitude by 0.1° of longitude: about 11 km by 7 km in Germany. */
export const CELL_DEGREES = 0.1;
const LON_SPAN = 4000;

/** The grid cell of a point, as one integer (indexed in the database for the matching's box prefilter). */
export function gridCell(lat: number, lon: number): number {
  return Math.floor(lat / CELL_DEGREES) * LON_SPAN + (Math.floor(lon / CELL_DEGREES) + LON_SPAN / 2);
}

/** Leeway for the clamped-corner approximation, in km (a few metres would do). */
const EDGE_KM = 0.05;

/**
 * Every cell that holds a point within `radiusKm` of a point: the cells of the
 * surrounding box, less the corners whose nearest point is already too far
 * (about a fifth of the box, and of the rows the matching reads).
 */
export function cellsAround(lat: number, lon: number, radiusKm: number): number[] {
  const dLat = radiusKm / 111.2;
  const dLon = radiusKm / (111.2 * Math.max(Math.cos((lat * Math.PI) / 180), 0.01));
  const cells: number[] = [];
  const clamp = (v: number, low: number) => Math.min(Math.max(v, low), low + CELL_DEGREES);
  for (let la = Math.floor((lat - dLat) / CELL_DEGREES); la <= Math.floor((lat + dLat) / CELL_DEGREES); la++) {
    for (let lo = Math.floor((lon - dLon) / CELL_DEGREES); lo <= Math.floor((lon + dLon) / CELL_DEGREES); lo++) {
      const nearest = { lat: clamp(lat, la * CELL_DEGREES), lon: clamp(lon, lo * CELL_DEGREES) };
      if (distanceKm({ lat, lon }, nearest) <= radiusKm + EDGE_KM) cells.push(la * LON_SPAN + lo + LON_SPAN / 2);
    }
  }
  return cells;
}
