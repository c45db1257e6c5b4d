import { describe, expect, it } from 'vitest';
import { cellsAround, CELL_DEGREES, gridCell } from './grid.js';
import { distanceKm } from './distance.js';

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

  it('holds every point within the radius, and leaves out the corners of the box', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const radius of [2, 5, 13, 30, 50]) {
      for (const centre of [{ lat: 51.534, lon: 9.932 }, { lat: 47.6, lon: 7.6 }, { lat: 54.3, lon: 10.1 }]) {
        const cells = new Set(cellsAround(centre.lat, centre.lon, radius));
        for (let i = 0; i < 2000; i++) {
          const point = { lat: centre.lat + (random() - 0.5) * radius / 50, lon: centre.lon + (random() - 0.5) * radius / 30 };
          if (distanceKm(centre, point) <= radius) expect(cells.has(gridCell(point.lat, point.lon)), `${radius} km: ${point.lat},${point.lon}`).toBe(true);
        }
        if (radius >= 30) {
          // A 30 km circle covers less than the box around it.
          const box = (Math.floor((centre.lat + radius / 111.2) / CELL_DEGREES) - Math.floor((centre.lat - radius / 111.2) / CELL_DEGREES) + 1) *
            (Math.floor((centre.lon + radius / (111.2 * Math.cos((centre.lat * Math.PI) / 180))) / CELL_DEGREES) - Math.floor((centre.lon - radius / (111.2 * Math.cos((centre.lat * Math.PI) / 180))) / CELL_DEGREES) + 1);
          expect(cells.size).toBeLessThan(box);
        }
      }
    }
  });
});
