import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { gridCell } from '../../core/index.js';
import type { PrismaClient } from '../../prisma/generated/client.js';
import { WebChatClient } from './web-chat-client.js';

export interface SeededVolunteer {
  id: string;
  /** A web-chat session of this person (cookie set), to read their inbox and answer. */
  chat: WebChatClient;
  address: string;
}

/**
 * Registered volunteers written straight into the database (as the registration
 * flow stores them, consent included), each with a web-chat session.
 */
export async function seedVolunteers(
  prisma: PrismaClient,
  baseUrl: string,
  people: { locale?: string; lat?: number; lon?: number; radiusKm?: number; activities?: string[]; languages?: string[] }[],
): Promise<SeededVolunteer[]> {
  const seeded: SeededVolunteer[] = [];
  for (const p of people) {
    const id = randomUUID();
    const token = randomBytes(32).toString('base64url');
    const address = createHash('sha256').update(token).digest('base64url');
    const lat = p.lat ?? 51.534;
    const lon = p.lon ?? 9.932;
    seeded.push({ id, address, chat: Object.assign(new WebChatClient(baseUrl), { cookie: `hr_chat=${token}` }) });
    await prisma.person.create({
      data: {
        id,
        regionId: 'default',
        locale: p.locale ?? 'de',
        firstName: 'Test',
        lastName: id.slice(0, 8),
        email: `${id}@example.org`,
        placeName: 'Göttingen',
        lat,
        lon,
        cell: gridCell(lat, lon),
        travelRadiusKm: p.radiusKm ?? 20,
        activities: p.activities ?? ['translating'],
        languages: p.languages ?? ['de'],
        weeklyHours: 4,
        identities: { create: { channel: 'web', address, preferred: true } },
        consents: { create: { id: randomUUID(), kind: 'privacy', noticeVersion: '1', locale: p.locale ?? 'de' } },
      },
    });
  }
  return seeded;
}
