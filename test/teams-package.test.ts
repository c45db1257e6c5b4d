import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32, inflateRawSync, inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { projectPath } from '../app/paths.js';

const run = promisify(execFile);

/** The entries of a zip archive, read from its central directory as any unzip tool does. */
function unzip(archive: Buffer): Record<string, Buffer> {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < count; i++) {
    expect(archive.readUInt32LE(at)).toBe(0x02014b50);
    const method = archive.readUInt16LE(at + 10);
    const crc = archive.readUInt32LE(at + 16);
    const size = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const extra = archive.readUInt16LE(at + 30) + archive.readUInt16LE(at + 32);
    const local = archive.readUInt32LE(at + 42);
    const name = archive.toString('utf8', at + 46, at + 46 + nameLength);
    const dataAt = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const raw = archive.subarray(dataAt, dataAt + size);
    const content = method === 8 ? inflateRawSync(raw) : raw;
    expect(crc32(content)).toBe(crc);
    files[name] = content;
    at += 46 + nameLength + extra;
  }
  return files;
}

/** Width, height and colour type of a PNG, after checking its pixels decompress. */
function pngInfo(file: Buffer) {
  expect(file.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
  const width = file.readUInt32BE(16);
  const height = file.readUInt32BE(20);
  const idat = file.indexOf('IDAT');
  const pixels = inflateSync(file.subarray(idat + 4, idat + 4 + file.readUInt32BE(idat - 4)));
  expect(pixels.length).toBe(height * (width * 4 + 1));
  const alpha = [...Array(width * height).keys()].map((i) => pixels[Math.floor(i / width) * (width * 4 + 1) + 1 + (i % width) * 4 + 3]!);
  return { width, height, colorType: file[25], transparent: alpha.some((a) => a === 0), opaque: alpha.some((a) => a === 255) };
}

describe('the Teams app package (npm run teams:package)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hr-teams-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = projectPath('teams/package-app.mjs');
  const appId = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

  it('zips the manifest with the app id and address filled in, and both icons in the sizes Teams requires', async () => {
    const out = join(dir, 'app.zip');
    await run(process.execPath, [script, '--out', out], { env: { ...process.env, MICROSOFT_APP_ID: appId, PUBLIC_URL: 'https://helferruf.example.org/' } });
    const files = unzip(readFileSync(out));
    expect(Object.keys(files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(files['manifest.json']!.toString('utf8'));
    expect(manifest).toMatchObject({ manifestVersion: '1.17', id: appId, icons: { color: 'color.png', outline: 'outline.png' }, validDomains: ['helferruf.example.org'] });
    expect(manifest.bots[0]).toMatchObject({ botId: appId, scopes: ['personal', 'team', 'groupChat'] });
    expect(manifest.developer.websiteUrl).toBe('https://helferruf.example.org');
    expect(JSON.stringify(manifest)).not.toContain('${');
    expect(pngInfo(files['color.png']!)).toMatchObject({ width: 192, height: 192, colorType: 6, transparent: false });
    // The outline icon: white on a transparent background.
    expect(pngInfo(files['outline.png']!)).toMatchObject({ width: 32, height: 32, colorType: 6, transparent: true, opaque: true });
  });

  it('refuses to package without an app id or an https address, and says which', async () => {
    const failing = (env: Record<string, string>) => run(process.execPath, [script, '--out', join(dir, 'x.zip')], { env: { PATH: process.env.PATH ?? '', ...env } });
    await expect(failing({ PUBLIC_URL: 'https://helferruf.example.org' })).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('MICROSOFT_APP_ID') });
    await expect(failing({ MICROSOFT_APP_ID: appId, PUBLIC_URL: 'http://localhost:3000' })).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('https') });
  });
});
