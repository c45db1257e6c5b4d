// Builds the Teams app package (manifest.json with the bot's app id, color.png 192×192,
// outline.png 32×32) as dist/teams/helferruf-teams.zip, with Node's own zlib: nothing is downloaded.
//   MICROSOFT_APP_ID=… PUBLIC_URL=https://helferruf.example.org npm run teams:package [-- --out file.zip]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync, deflateSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A PNG (8-bit RGBA) from a function giving each pixel's [r, g, b, a]. */
export function png(size, pixel) {
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) Buffer.from(pixel(x, y)).copy(rows, y * (size * 4 + 1) + 1 + x * 4);
  }
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** How much of the pixel the mark covers (a ring with a plus: a call for help), 4×4 samples. */
function coverage(size, x, y) {
  let hits = 0;
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      const u = (x + (i + 0.5) / 4) / size - 0.5;
      const v = (y + (j + 0.5) / 4) / size - 0.5;
      const r = Math.hypot(u, v);
      const ring = r > 0.34 && r < 0.44;
      const plus = (Math.abs(u) < 0.065 && Math.abs(v) < 0.2) || (Math.abs(v) < 0.065 && Math.abs(u) < 0.2);
      if (ring || plus) hits++;
    }
  }
  return hits / 16;
}

export function colorIcon() {
  const [r, g, b] = [0x0f, 0x6e, 0x56];
  return png(192, (x, y) => {
    const c = coverage(192, x, y);
    return [Math.round(r + (255 - r) * c), Math.round(g + (255 - g) * c), Math.round(b + (255 - b) * c), 255];
  });
}

/** Teams wants the outline icon white on transparent. */
export function outlineIcon() {
  return png(32, (x, y) => [255, 255, 255, Math.round(255 * coverage(32, x, y))]);
}

/** A zip archive (deflated entries) of name → content. */
export function zip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = deflateRawSync(content);
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(content);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12); // 1980-01-01: a fixed date keeps the package reproducible
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(content.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(content.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The manifest with the deployment's values filled in; throws a sentence naming what is missing. */
export function manifest(env) {
  const appId = env.MICROSOFT_APP_ID ?? '';
  if (!GUID.test(appId)) throw new Error('MICROSOFT_APP_ID must be the bot\'s Microsoft App ID (a GUID from the Azure bot registration).');
  let url;
  try {
    url = new URL(env.PUBLIC_URL ?? '');
  } catch {
    throw new Error('PUBLIC_URL must be the https address of the service, like https://helferruf.example.org.');
  }
  if (url.protocol !== 'https:') throw new Error('PUBLIC_URL must be an https address: Teams reaches bots only over https.');
  const values = { MICROSOFT_APP_ID: appId, PUBLIC_URL: url.origin, PUBLIC_HOST: url.host, TEAMS_DEVELOPER_NAME: env.TEAMS_DEVELOPER_NAME || env.REGION_NAME || 'Helferruf' };
  const text = readFileSync(join(here, 'manifest.json'), 'utf8').replace(/\$\{(\w+)\}/g, (_, name) => JSON.stringify(values[name]).slice(1, -1));
  return JSON.parse(text);
}

export function teamsPackage(env) {
  return zip({ 'manifest.json': Buffer.from(JSON.stringify(manifest(env), null, 2)), 'color.png': colorIcon(), 'outline.png': outlineIcon() });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const at = process.argv.indexOf('--out');
    const out = at > 0 && process.argv[at + 1] ? process.argv[at + 1] : join(here, '..', 'dist', 'teams', 'helferruf-teams.zip');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, teamsPackage(process.env));
    console.log(`Teams app package written to ${out}. Upload it in Teams: Apps → Manage your apps → Upload an app.`);
  } catch (error) {
    console.error(error.message);
    process.exit(2);
  }
}
