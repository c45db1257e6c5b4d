import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, requireBuild, startService } from './support/service-process.js';
import { WebChatClient } from './support/web-chat-client.js';

const dir = mkdtempSync(join(tmpdir(), 'helferruf-cli-'));

function admin(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', DATA_DIR: dir }, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

// Each call starts Node, PGlite and Prisma (about 2 s here, more while other tests run): give the tests room.
describe('the operator CLI (npm run admin)', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    requireBuild();
    // A person registers through the running service; then the service stops and the CLI takes over the data directory.
    const service = await startService({ DATA_DIR: dir });
    const chat = new WebChatClient(service.url);
    await chat.open();
    await chat.tap('de');
    await chat.tap('agree');
    await chat.say('Maria');
    await chat.say('Koch');
    await chat.say('maria.koch@example.org');
    await chat.tap('skip');
    await chat.say('Göttingen');
    await chat.tap('10');
    await chat.pick(['driving']);
    await chat.pick(['de']);
    await chat.tap('4');
    await chat.tap('skip');
    await chat.tap('confirm');
    service.child.kill('SIGTERM');
    await service.exited;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('explains itself with --help and rejects unknown commands and options', () => {
    const help = admin('--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('role grant  --person P --role R --reason');
    expect(admin('fly').err).toContain('Unknown command "fly"');
    expect(admin('region', 'list', '--colour').err).toContain("Unknown option '--colour'");
  });

  it('shows the version and the migration state', () => {
    expect(admin('version').out).toMatch(/^helferruf \d+\.\d+\.\d+/);
    const status = admin('migrations');
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/Applied: \d+_init/);
    expect(status.out).toContain('Pending: none');
  });

  it('creates regions and organisations, validating every input', () => {
    expect(admin('region', 'list').out).toContain('default');
    const region = admin('region', 'create', '--slug', 'gifhorn', '--name', 'Landkreis Gifhorn', '--center', '52.48,10.55', '--radius', '30');
    expect(region.out).toContain('Created region "Landkreis Gifhorn" (slug gifhorn)');
    expect(admin('region', 'create', '--slug', 'gifhorn', '--name', 'Again').err).toContain('exists already');
    expect(admin('region', 'create', '--slug', 'Bad Slug', '--name', 'X').err).toContain('The region slug must be');
    expect(admin('region', 'create', '--slug', 'x', '--name', 'X', '--center', 'north').err).toContain('--center must be');
    expect(admin('region', 'create', '--slug', 'y', '--name', 'Y', '--time-zone', 'Mars/Olympus').err).toContain('Unknown time zone');
    expect(admin('region', 'create', '--slug', 'z').err).toContain('Missing --name');
    expect(admin('region', 'list').out).toContain('gifhorn\tLandkreis Gifhorn\t52.48,10.55 r=30 km');

    expect(admin('org', 'create', '--slug', 'drk-gifhorn', '--name', 'DRK Gifhorn', '--region', 'gifhorn').out).toContain('Created organisation "DRK Gifhorn"');
    expect(admin('org', 'create', '--slug', 'tafel', '--name', 'Tafel', '--region', 'atlantis').err).toContain('No region "atlantis"');
    expect(admin('org', 'list').out).toContain('drk-gifhorn\tDRK Gifhorn');
  });

  it('configures a region’s activity catalogue', () => {
    expect(admin('activity', 'list').out).toContain('childcare\toffered');
    expect(admin('activity', 'add', '--key', 'foodbank', '--label', 'de=Tafel', '--label', 'en=Food bank').out).toContain('now offers the activity "foodbank"');
    expect(admin('activity', 'add', '--key', 'gardening').err).toContain('give it a label');
    expect(admin('activity', 'add', '--key', 'Bad-Key', '--label', 'de=x').err).toContain('The activity key must be');
    expect(admin('activity', 'add', '--key', 'choir', '--label', 'Chor').err).toContain('A label is language=text');
    expect(admin('activity', 'disable', '--key', 'sports').out).toContain('no longer offers "sports"');
    expect(admin('activity', 'disable', '--key', 'juggling').err).toContain('has no activity "juggling"');
    const list = admin('activity', 'list').out;
    expect(list).toContain('foodbank\toffered\tde=Tafel, en=Food bank');
    expect(list).toContain('sports\twithdrawn');
  });

  it('grants and revokes roles to a registered person found by e-mail, with a reason', () => {
    expect(admin('role', 'grant', '--person', 'maria.koch@example.org', '--role', 'admin', '--reason', 'first admin').out).toContain('Granted admin');
    expect(admin('role', 'grant', '--person', 'maria.koch@example.org', '--role', 'coordinator', '--reason', 'staff').err).toContain('add --org');
    expect(admin('role', 'grant', '--person', 'maria.koch@example.org', '--role', 'coordinator', '--org', 'drk-gifhorn', '--reason', 'staff').out).toContain('Granted coordinator in drk-gifhorn');
    expect(admin('role', 'grant', '--person', 'maria.koch@example.org', '--role', 'king', '--reason', 'x').err).toContain('Unknown role "king"');
    expect(admin('role', 'grant', '--person', 'nobody@example.org', '--role', 'admin', '--reason', 'x').err).toContain('No registered person found');
    expect(admin('role', 'grant', '--person', 'maria.koch@example.org', '--role', 'admin').err).toContain('Missing --reason');
    const list = admin('role', 'list', '--person', 'maria.koch@example.org');
    expect(list.out).toContain('admin');
    expect(list.out).toContain('coordinator');
    expect(admin('role', 'revoke', '--person', 'maria.koch@example.org', '--role', 'admin', '--reason', 'handed over').out).toContain('Revoked admin');
    expect(admin('role', 'revoke', '--person', 'maria.koch@example.org', '--role', 'admin', '--reason', 'again').out).toContain('nothing changed');
    expect(admin('role', 'list', '--person', 'maria.koch@example.org').out).not.toContain('admin');
  });

  it('issues API keys once, lists them by prefix only, and revokes them', () => {
    const issued = admin('apikey', 'issue', '--org', 'drk-gifhorn', '--label', 'Dienstplan');
    const key = issued.out.trim().split('\n').pop()!;
    expect(key).toMatch(/^hr_[A-Za-z0-9_-]{32}$/);
    const id = /\(id ([0-9a-f-]{36})\)/.exec(issued.out)![1]!;
    const list = admin('apikey', 'list', '--org', 'drk-gifhorn');
    expect(list.out).toContain(`${id}\t${key.slice(0, 10)}…\tDienstplan`);
    expect(list.out).not.toContain(key);
    expect(admin('apikey', 'revoke', '--id', id).out).toContain('Revoked API key');
    expect(admin('apikey', 'revoke', '--id', id).err).toContain('No active API key');
    expect(admin('apikey', 'list', '--org', 'drk-gifhorn').out).toContain('revoked');
  });

  it('refuses to open the embedded database while the service runs', async () => {
    const service = await startService({ DATA_DIR: dir });
    try {
      const locked = admin('region', 'list');
      expect(locked.code).toBe(1);
      expect(locked.err).toContain('is already using the data directory');
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
  });
});
