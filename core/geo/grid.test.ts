import { describe, expect, it } from 'vitest';
import { cellsAround, gridCell } from './grid.js';

describe('the matching grid', () => {
  it('gives neighbouring points the same cell and distant ones different cells', () => {
    expect(gridCell(51.534, 9.932)).toBe(gridCell(51.539, 9.938));
    expect(gridCell(51.534, 9.932)).not.toBe(gridCell(52.52, 13.40));
    expect(gridCell(-33.9, -70.6)).not.toBe(gridCell(33.9, 70.6));
  });

  it('covers every point within the radius with the cells around a centre', () => {
    const centre = { lat: 51.534, lon: 9.932 };
    const cells = new Set(cellsAround(centre.lat, centre.lon, 30));
    for (const [dLat, dLon] of [[0.26, 0], [-0.26, 0], [0, 0.42], [0, -0.42], [0.18, 0.3]]) {
      expect(cells.has(gridCell(centre.lat + dLat!, centre.lon + dLon!))).toBe(true);
    }
    expect(cells.has(gridCell(centre.lat + 0.5, centre.lon))).toBe(false);
  });
});
