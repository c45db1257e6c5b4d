import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { AdminService, DomainError, ensureDefaultRegion, operatorSanction, ROLES, type OperatorSanction } from '../core/index.js';
import { prismaStore } from '../prisma/store.js';
import { ConfigError, loadConfig } from './config.js';
import { loadEnvFile } from './env-file.js';
import { DataDirLockedError } from './data-dir-lock.js';
import { openDatabase, type Database } from './database.js';
import { createLogger } from './logger.js';
import { packageVersion } from './version.js';

const HELP = `Helferruf operator commands: npm run admin -- <command> [options]

  version                                   show the version
  migrations                                show which database migrations are applied or pending
  migrate                                   apply pending migrations (the service also does this on start)

  region list
  region create --slug S --name N [--center LAT,LON --radius KM] [--time-zone Europe/Berlin]
                [--controller "Stadt X"] [--contact datenschutz@example.org]
  activity list [--region S]
  activity add --key K [--label de=Tafel --label en="Food bank" ...] [--region S]
  activity disable --key K [--region S]      no longer offered; profiles keep it
  org list [--region S]
  org create --slug S --name N [--region S]

  role grant  --person P --role R --reason "why" [--org S] [--region S]
  role revoke --person P --role R --reason "why" [--org S] [--region S]
  role list   --person P [--region S]
      P is a registered person's e-mail address or channel:id (e.g. web:..., telegram:12345).
      R is one of ${ROLES.join(', ')}; a coordinator needs --org.

  warn   --person P --reason "why" [--region S] [--by NAME]   warn a person; they are told the reason
  ban    --person P --reason "why" [--region S] [--by NAME]   block a person: their open items and requests are withdrawn
  unban  --person P --reason "why" [--region S] [--by NAME]   lift a ban (answers an open appeal)
  sanctions --person P [--region S]         a person's warnings and bans, newest first
      The person reads the reason in their language (sent when the service runs); the audit log
      names the operator (--by, default: your login name).

  apikey issue  --org S [--label L]         prints the new key once; only its hash is stored
  apikey list   --org S
  apikey revoke --id ID

The database is the service's (DATABASE_URL, or the embedded one in DATA_DIR).
With the embedded database, stop the service first: only one process may open it.`;

const options = {
  help: { type: 'boolean', short: 'h' },
  slug: { type: 'string' },
  name: { type: 'string' },
  center: { type: 'string' },
  radius: { type: 'string' },
  'time-zone': { type: 'string' },
  controller: { type: 'string' },
  contact: { type: 'string' },
  region: { type: 'string' },
  org: { type: 'string' },
  person: { type: 'string' },
  role: { type: 'string' },
  reason: { type: 'string' },
  id: { type: 'string' },
  key: { type: 'string' },
  label: { type: 'string', multiple: true },
  by: { type: 'string' },
} as const;

class UsageError extends Error {}

function need(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`Missing --${flag}. See: npm run admin -- --help`);
  return value;
}

async function run(argv: string[]): Promise<number> {
  const { values: o, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  const [group, action] = positionals;
  if (o.help || !group) {
    console.log(HELP);
    return 0;
  }
  if (group === 'version') {
    console.log(`helferruf ${packageVersion()} (node ${process.version})`);
    return 0;
  }
  loadEnvFile();
  const config = loadConfig();
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const db: Database = await openDatabase(config.database, { migrate: group !== 'migrations', log });
  try {
    if (group === 'migrations' || group === 'migrate') {
      const status = await db.migrations();
      console.log(`Database: ${config.database.kind === 'postgres' ? 'PostgreSQL' : `embedded (${config.database.dataDir})`}`);
      console.log(`Applied: ${status.applied.length ? status.applied.join(', ') : 'none'}`);
      console.log(`Pending: ${status.pending.length ? status.pending.join(', ') : 'none'}`);
      if (status.modified.length) console.log(`Changed after applying: ${status.modified.join(', ')}`);
      if (status.failed.length) console.log(`Failed: ${status.failed.join(', ')}`);
      if (status.missing.length) console.log(`Applied but not in this release: ${status.missing.join(', ')}`);
      return status.failed.length ? 1 : 0;
    }
    const store = prismaStore(db.prisma, db.sql);
    await ensureDefaultRegion(store, { name: config.region.name, controllerName: config.region.controller, contactEmail: config.region.contact });
    const admin = new AdminService(store, randomUUID);
    switch (`${group} ${action ?? ''}`.trim()) {
      case 'region list':
        for (const r of await admin.listRegions()) {
          const area = r.centerLat !== null ? `${r.centerLat},${r.centerLon} r=${r.radiusKm} km` : r.isDefault ? 'default: every place no other region covers' : '';
          console.log(`${r.slug}\t${r.name}\t${area}\t${r.timeZone}`);
        }
        return 0;
      case 'region create': {
        const center = o.center?.split(',').map(Number);
        if (center && (center.length !== 2 || center.some(Number.isNaN))) throw new UsageError('--center must be "latitude,longitude", e.g. 51.54,9.93');
        const radius = o.radius !== undefined ? Number(o.radius) : undefined;
        if (radius !== undefined && Number.isNaN(radius)) throw new UsageError('--radius must be a number of kilometres');
        const region = await admin.createRegion({
          slug: need(o.slug, 'slug'),
          name: need(o.name, 'name'),
          ...(center ? { center: center as [number, number] } : {}),
          ...(radius !== undefined ? { radiusKm: radius } : {}),
          ...(o['time-zone'] ? { timeZone: o['time-zone'] } : {}),
          ...(o.controller ? { controllerName: o.controller } : {}),
          ...(o.contact ? { contactEmail: o.contact } : {}),
        });
        console.log(`Created region "${region.name}" (slug ${region.slug}). Its web chat: /?region=${region.slug}`);
        return 0;
      }
      case 'activity list':
        for (const a of await admin.listActivities(o.region)) {
          const labels = Object.entries(a.labels).map(([lang, text]) => `${lang}=${text}`).join(', ');
          console.log(`${a.key}\t${a.active ? 'offered' : 'withdrawn'}${labels ? `\t${labels}` : ''}`);
        }
        return 0;
      case 'activity add': {
        const { region, key } = await admin.addActivity({ key: need(o.key, 'key'), labels: o.label ?? [], ...(o.region ? { region: o.region } : {}) });
        console.log(`Region "${region.slug}" now offers the activity "${key}".`);
        return 0;
      }
      case 'activity disable': {
        const region = await admin.disableActivity({ key: need(o.key, 'key'), ...(o.region ? { region: o.region } : {}) });
        console.log(`Region "${region.slug}" no longer offers "${o.key}"; people who chose it keep it in their profile.`);
        return 0;
      }
      case 'org list':
        for (const org of await admin.listOrganisations(o.region)) console.log(`${org.slug}\t${org.name}`);
        return 0;
      case 'org create': {
        const org = await admin.createOrganisation({ slug: need(o.slug, 'slug'), name: need(o.name, 'name'), ...(o.region ? { region: o.region } : {}) });
        console.log(`Created organisation "${org.name}" (slug ${org.slug}).`);
        return 0;
      }
      case 'role grant': {
        const { person, grant } = await admin.grantRole({ person: need(o.person, 'person'), role: need(o.role, 'role'), reason: need(o.reason, 'reason'), ...(o.org ? { organisation: o.org } : {}), ...(o.region ? { region: o.region } : {}) });
        console.log(`Granted ${grant.role}${o.org ? ` in ${o.org}` : ''} to person ${person.id}. Recorded in the audit log.`);
        return 0;
      }
      case 'role revoke': {
        const count = await admin.revokeRole({ person: need(o.person, 'person'), role: need(o.role, 'role'), reason: need(o.reason, 'reason'), ...(o.org ? { organisation: o.org } : {}), ...(o.region ? { region: o.region } : {}) });
        console.log(count ? `Revoked ${o.role} (${count} grant${count > 1 ? 's' : ''}). Recorded in the audit log.` : `That person did not hold ${o.role}${o.org ? ` in ${o.org}` : ''}; nothing changed.`);
        return 0;
      }
      case 'role list': {
        const { person, grants } = await admin.roles(need(o.person, 'person'), o.region);
        console.log(`Person ${person.id}: reader${grants.map((g) => `, ${g.role}${g.organisationId ? ` (organisation ${g.organisationId})` : ''}`).join('')}`);
        return 0;
      }
      case 'warn':
      case 'ban':
      case 'unban': {
        const reason = o.reason?.trim();
        if (!reason) throw new UsageError(`Say why with --reason: the person is told it, and it goes into the audit log.`);
        const operator = o.by?.trim() || process.env.USER || userInfo().username;
        const person = await admin.findPerson(need(o.person, 'person'), o.region);
        const outcome = await store.transaction((repos) => operatorSanction(repos, group as OperatorSanction, person, reason, operator, new Date(), randomUUID()));
        if (outcome.kind === 'already-banned') throw new UsageError(`Person ${person.id} is banned already; nothing changed.`);
        if (outcome.kind === 'not-banned') throw new UsageError(`Person ${person.id} is not banned; nothing changed.`);
        if (outcome.kind !== 'done') throw new UsageError(`Nothing changed (${outcome.kind}).`);
        const done = { warn: 'Warned', ban: 'Banned', unban: 'Lifted the ban of' }[group as OperatorSanction];
        console.log(`${done} person ${person.id} (sanction ${outcome.sanctionId}). They are told the reason in their language; recorded in the audit log as done by ${operator}.`);
        return 0;
      }
      case 'sanctions': {
        const person = await admin.findPerson(need(o.person, 'person'), o.region);
        const list = await store.sanctions.forPerson(person.id);
        console.log(`Person ${person.id}: ${person.status}${list.length ? '' : ', no warnings or bans'}`);
        for (const s of list) {
          const appeal = s.appealedAt ? `	appealed ${s.appealedAt.toISOString()}${s.settledAt ? `, answered ${s.settledAt.toISOString()}` : ', open'}` : '';
          console.log(`${s.createdAt.toISOString()}	${s.kind}	${s.byId ? `moderator ${s.byId}` : 'operator'}	${s.reason}${appeal}`);
        }
        return 0;
      }
      case 'apikey issue': {
        const label = o.label?.at(-1);
        const { key, apiKey } = await admin.issueApiKey({ organisation: need(o.org, 'org'), ...(label ? { label } : {}) });
        console.log(`New API key for ${o.org} (id ${apiKey.id}). Copy it now; it is not shown again:\n${key}`);
        return 0;
      }
      case 'apikey list':
        for (const k of await admin.listApiKeys(need(o.org, 'org'))) {
          console.log(`${k.id}\t${k.prefix}…\t${k.label ?? ''}\tcreated ${k.createdAt.toISOString()}${k.revokedAt ? `\trevoked ${k.revokedAt.toISOString()}` : ''}`);
        }
        return 0;
      case 'apikey revoke': {
        const key = await admin.revokeApiKey(need(o.id, 'id'));
        console.log(`Revoked API key ${key.id} (${key.prefix}…). Requests with it are refused from now on.`);
        return 0;
      }
      default:
        throw new UsageError(`Unknown command "${positionals.join(' ')}". See: npm run admin -- --help`);
    }
  } finally {
    await db.close();
  }
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof DataDirLockedError) console.error(error.message);
  else if (error instanceof DomainError) console.error(`${error.message} [${error.code}]`);
  else if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) console.error(`${(error as Error).message}. See: npm run admin -- --help`);
  else console.error('Failed:', error);
  process.exitCode = 1;
}
