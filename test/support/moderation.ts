import { randomUUID } from 'node:crypto';
import { AdminService, type Msg, type RoleName } from '../../core/index.js';
import type { PrismaClient } from '../../prisma/generated/client.js';
import type { RunningApp } from './test-app.js';
import { seedVolunteers, type SeededVolunteer } from './seed.js';

interface InboxMessage {
  id: string;
  view: { messages: { text: string }[]; prompt: { token: string; text: string } | null };
}

/** Everything the service sent this person on its own initiative, as text. */
export async function inboxTexts(v: SeededVolunteer): Promise<string[]> {
  const response = await fetch(`${v.chat.baseUrl}/api/web/inbox`, { headers: { cookie: v.chat.cookie! } });
  const { messages } = (await response.json()) as { messages: InboxMessage[] };
  return messages.map((m) => [...m.view.messages.map((x) => x.text), m.view.prompt?.text ?? ''].filter(Boolean).join('\n'));
}

/** A registered person with their web chat open, in a language, with roles granted by an administrator. */
export async function person(prisma: PrismaClient, service: RunningApp, locale: string, roles: RoleName[] = [], languages: string[] = [locale]): Promise<SeededVolunteer> {
  const [p] = (await seedVolunteers(prisma, service.url, [{ locale, languages }])) as [SeededVolunteer];
  const admin = new AdminService(service.app.store, randomUUID);
  for (const role of roles) await admin.grantRole({ person: `${p.id}@example.org`, role, reason: 'test' });
  await p.chat.open();
  return p;
}

/** A message as the person must read it, rendered by the service's own translations. */
export function rendered(service: RunningApp, locale: string, message: Msg): string {
  return service.app.translations.render(locale, message);
}
