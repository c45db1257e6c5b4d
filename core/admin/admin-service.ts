import { createHash, randomBytes } from 'node:crypto';
import { DomainError, ErrorCode } from '../errors.js';
import type { Person } from '../people/person.js';
import { DEFAULT_ACTIVITIES, type Region } from '../regions/region.js';
import type { ApiKey, Organisation, RoleGrant, RoleName, Store } from '../store.js';
import { normalizeEmail } from '../validation/index.js';

export const ROLES: RoleName[] = ['reader', 'commenter', 'writer', 'coordinator', 'moderator', 'admin'];
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

function invalid(message: string): never {
  throw new DomainError(ErrorCode.InvalidInput, message);
}

function slug(value: string, what: string): string {
  if (!SLUG.test(value)) invalid(`${what} must be 1-40 lower-case letters, digits or dashes (got "${value}")`);
  return value;
}

/** Hash under which an API key is stored; the key itself is shown once and never stored. */
export function apiKeyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * What an operator does from the command line: regions, organisations, roles
 * and API keys. Every change is validated and written to the audit log.
 */
export class AdminService {
  constructor(
    private readonly store: Store,
    private readonly newId: () => string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async createRegion(input: { slug: string; name: string; center?: [number, number]; radiusKm?: number; timeZone?: string; controllerName?: string; contactEmail?: string }): Promise<Region> {
    slug(input.slug, 'The region slug');
    if (!input.name.trim()) invalid('The region needs a name');
    if (input.center && (Math.abs(input.center[0]) > 90 || Math.abs(input.center[1]) > 180)) invalid('--center must be "latitude,longitude"');
    if ((input.center === undefined) !== (input.radiusKm === undefined)) invalid('--center and --radius go together');
    if (input.radiusKm !== undefined && !(input.radiusKm > 0 && input.radiusKm <= 500)) invalid('--radius must be between 0 and 500 km');
    const timeZone = input.timeZone ?? 'Europe/Berlin';
    try {
      new Intl.DateTimeFormat('en', { timeZone });
    } catch {
      invalid(`Unknown time zone "${timeZone}" (use a name like Europe/Berlin)`);
    }
    if (input.contactEmail && !normalizeEmail(input.contactEmail)) invalid('--contact must be an e-mail address');
    const region: Region = {
      id: this.newId(),
      slug: input.slug,
      name: input.name.trim(),
      centerLat: input.center?.[0] ?? null,
      centerLon: input.center?.[1] ?? null,
      radiusKm: input.radiusKm ?? null,
      isDefault: false,
      timeZone,
      privacyNoticeVersion: '1',
      controllerName: input.controllerName ?? null,
      contactEmail: input.contactEmail ?? null,
    };
    await this.store.transaction(async (repos) => {
      if (!(await repos.regions.create(region, [...DEFAULT_ACTIVITIES]))) throw new DomainError(ErrorCode.RegionExists, `A region with slug "${input.slug}" exists already`);
      await repos.audit.append({ actorId: null, action: 'region.created', subjectType: 'region', subjectId: region.id, details: { via: 'cli' } });
    });
    return region;
  }

  async listActivities(regionSlug?: string) {
    return this.store.regions.allActivities((await this.region(regionSlug)).id);
  }

  /**
   * Offers an activity in a region's catalogue (again). A standard activity has
   * translations already; any other needs at least one label (`de=Tafel`).
   */
  async addActivity(input: { region?: string; key: string; labels: string[] }) {
    if (!/^[a-z][a-z0-9_]{1,39}$/.test(input.key)) invalid(`The activity key must be 2-40 lower-case letters, digits or underscores, starting with a letter (got "${input.key}")`);
    const labels: Record<string, string> = {};
    for (const label of input.labels) {
      const match = /^([a-z]{2,3})=(.+)$/s.exec(label);
      if (!match || !match[2]!.trim()) invalid(`A label is language=text, e.g. de=Tafel (got "${label}")`);
      labels[match[1]!] = match[2]!.trim();
    }
    if (!(DEFAULT_ACTIVITIES as readonly string[]).includes(input.key) && Object.keys(labels).length === 0) {
      invalid(`"${input.key}" is not a standard activity: give it a label, e.g. --label de=... --label en=...`);
    }
    const region = await this.region(input.region);
    await this.store.transaction(async (repos) => {
      await repos.regions.upsertActivity(region.id, { key: input.key, labels });
      await repos.audit.append({ actorId: null, action: 'activity.offered', subjectType: 'region', subjectId: region.id, details: { key: input.key, via: 'cli' } });
    });
    return { region, key: input.key, labels };
  }

  /** Stops offering an activity; people who chose it keep it in their profile. */
  async disableActivity(input: { region?: string; key: string }) {
    const region = await this.region(input.region);
    await this.store.transaction(async (repos) => {
      if (!(await repos.regions.setActivityActive(region.id, input.key, false))) invalid(`Region "${region.slug}" has no activity "${input.key}" (see: admin activity list)`);
      await repos.audit.append({ actorId: null, action: 'activity.withdrawn', subjectType: 'region', subjectId: region.id, details: { key: input.key, via: 'cli' } });
    });
    return region;
  }

  listRegions(): Promise<Region[]> {
    return this.store.regions.list();
  }

  async createOrganisation(input: { region?: string; slug: string; name: string }): Promise<Organisation> {
    slug(input.slug, 'The organisation slug');
    if (!input.name.trim()) invalid('The organisation needs a name');
    const region = await this.region(input.region);
    const organisation = { id: this.newId(), regionId: region.id, slug: input.slug, name: input.name.trim() };
    await this.store.transaction(async (repos) => {
      if (!(await repos.organisations.create(organisation))) throw new DomainError(ErrorCode.OrganisationExists, `An organisation with slug "${input.slug}" exists already`);
      await repos.audit.append({ actorId: null, action: 'organisation.created', subjectType: 'organisation', subjectId: organisation.id, details: { regionId: region.id, via: 'cli' } });
    });
    return { ...organisation, createdAt: this.now() };
  }

  async listOrganisations(regionSlug?: string): Promise<Organisation[]> {
    return this.store.organisations.list(regionSlug ? (await this.region(regionSlug)).id : undefined);
  }

  /** Finds a registered person by e-mail address or by `channel:address` (e.g. `telegram:12345`). */
  async findPerson(ref: string, regionSlug?: string): Promise<Person> {
    const email = normalizeEmail(ref);
    if (email) {
      let found = await this.store.people.findAllByEmail(email);
      if (regionSlug) {
        const region = await this.region(regionSlug);
        found = found.filter((p) => p.regionId === region.id);
      }
      if (found.length > 1) throw new DomainError(ErrorCode.AmbiguousPerson, `${found.length} people use this address in different regions; add --region`);
      if (found[0]) return found[0];
    } else {
      const [channel, ...rest] = ref.split(':');
      const person = channel && rest.length ? await this.store.people.findByIdentity(channel, rest.join(':')) : null;
      if (person) return person;
    }
    throw new DomainError(ErrorCode.PersonNotFound, `No registered person found for "${ref}" (use their e-mail address or channel:id)`);
  }

  async grantRole(input: { person: string; role: string; organisation?: string; region?: string; reason: string }): Promise<{ person: Person; grant: RoleGrant }> {
    const role = this.role(input.role);
    if (!input.reason.trim()) invalid('Say why with --reason; it goes into the audit log');
    const person = await this.findPerson(input.person, input.region);
    const organisation = input.organisation ? await this.organisation(input.organisation) : null;
    if (role === 'coordinator' && !organisation) invalid('A coordinator belongs to an organisation: add --org');
    const region = input.region ? await this.region(input.region) : null;
    const grant: RoleGrant = {
      id: this.newId(),
      personId: person.id,
      role,
      regionId: region?.id ?? organisation?.regionId ?? null,
      organisationId: organisation?.id ?? null,
      grantedById: null,
      reason: input.reason.trim(),
      createdAt: this.now(),
      revokedAt: null,
    };
    await this.store.transaction(async (repos) => {
      const { createdAt: _c, revokedAt: _r, ...data } = grant;
      await repos.roles.grant(data);
      if (organisation) await repos.organisations.addMember(organisation.id, person.id);
      await repos.audit.append({ actorId: null, action: 'role.granted', subjectType: 'person', subjectId: person.id, details: { role, organisationId: grant.organisationId, regionId: grant.regionId, grantId: grant.id, via: 'cli' } });
    });
    return { person, grant };
  }

  async revokeRole(input: { person: string; role: string; organisation?: string; region?: string; reason: string }): Promise<number> {
    const role = this.role(input.role);
    if (!input.reason.trim()) invalid('Say why with --reason; it goes into the audit log');
    const person = await this.findPerson(input.person, input.region);
    const organisation = input.organisation ? await this.organisation(input.organisation) : null;
    return this.store.transaction(async (repos) => {
      const count = await repos.roles.revoke(person.id, role, organisation?.id ?? null, this.now());
      if (count > 0) await repos.audit.append({ actorId: null, action: 'role.revoked', subjectType: 'person', subjectId: person.id, details: { role, organisationId: organisation?.id ?? null, via: 'cli' } });
      return count;
    });
  }

  async roles(personRef: string, region?: string): Promise<{ person: Person; grants: RoleGrant[] }> {
    const person = await this.findPerson(personRef, region);
    return { person, grants: await this.store.roles.active(person.id) };
  }

  /** Issues a new API key for an organisation; the returned key is shown once and only its hash is kept. */
  async issueApiKey(input: { organisation: string; label?: string }): Promise<{ key: string; apiKey: ApiKey }> {
    const organisation = await this.organisation(input.organisation);
    const secret = randomBytes(24).toString('base64url');
    const key = `hr_${secret}`;
    const apiKey: ApiKey = { id: this.newId(), organisationId: organisation.id, prefix: key.slice(0, 10), label: input.label?.trim() || null, createdAt: this.now(), revokedAt: null };
    await this.store.transaction(async (repos) => {
      await repos.apiKeys.create({ id: apiKey.id, organisationId: apiKey.organisationId, prefix: apiKey.prefix, label: apiKey.label, hash: apiKeyHash(key) });
      await repos.audit.append({ actorId: null, action: 'apikey.issued', subjectType: 'organisation', subjectId: organisation.id, details: { apiKeyId: apiKey.id, via: 'cli' } });
    });
    return { key, apiKey };
  }

  async revokeApiKey(id: string): Promise<ApiKey> {
    return this.store.transaction(async (repos) => {
      const key = await repos.apiKeys.revoke(id, this.now());
      if (!key) throw new DomainError(ErrorCode.ApiKeyNotFound, `No active API key with id "${id}"`);
      await repos.audit.append({ actorId: null, action: 'apikey.revoked', subjectType: 'organisation', subjectId: key.organisationId, details: { apiKeyId: id, via: 'cli' } });
      return key;
    });
  }

  async listApiKeys(organisationSlug: string): Promise<ApiKey[]> {
    return this.store.apiKeys.list((await this.organisation(organisationSlug)).id);
  }

  private role(name: string): RoleName {
    if (!ROLES.includes(name as RoleName)) invalid(`Unknown role "${name}"; roles are ${ROLES.join(', ')}`);
    return name as RoleName;
  }

  private async region(slugOrDefault?: string): Promise<Region> {
    const region = slugOrDefault ? await this.store.regions.findBySlug(slugOrDefault) : await this.store.regions.getDefault();
    if (!region) throw new DomainError(ErrorCode.RegionNotFound, `No region "${slugOrDefault ?? 'default'}" (see: admin region list)`);
    return region;
  }

  private async organisation(slugValue: string): Promise<Organisation> {
    const organisation = await this.store.organisations.findBySlug(slugValue);
    if (!organisation) throw new DomainError(ErrorCode.OrganisationNotFound, `No organisation "${slugValue}" (see: admin org list)`);
    return organisation;
  }
}
