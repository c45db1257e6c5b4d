import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_CAPABILITIES } from '../bots/web/index.js';
import { AdminService, DeliveryError, type MessageRef, type MessengerPort, type SendOptions, type TurnResult } from '../core/index.js';
import { backends, type TestDatabase } from './support/databases.js';
import { seedVolunteers } from './support/seed.js';
import { startApp, type RunningApp } from './support/test-app.js';

/** A channel with Telegram-like limits that records when each message went out, and can refuse. */
class SinkMessenger implements MessengerPort {
  readonly channel = 'sink';
  readonly capabilities = WEB_CAPABILITIES;
  readonly limits = { perSecond: 20 };
  readonly sent: { address: string; at: number; key?: string }[] = [];
  throttleOnce = new Set<string>();
  blocked = new Set<string>();

  async send(address: string, _message: TurnResult, options: SendOptions = {}): Promise<MessageRef> {
    if (this.blocked.has(address)) throw new DeliveryError('unreachable', '403 blocked by the user');
    if (this.throttleOnce.delete(address)) throw new DeliveryError('rate-limited', '429', 300);
    this.sent.push({ address, at: Date.now(), ...(options.key ? { key: options.key } : {}) });
    return { channel: this.channel, address, id: randomUUID() };
  }

  async edit(): Promise<void> {}
}

describe.each(backends)('delivering calls within a channel’s limits on $name', (backend) => {
  let db: TestDatabase;
  let service: RunningApp;
  beforeAll(async () => {
    db = await backend.create();
    service = await startApp(db.database, { QUIET_HOURS: '0-0' });
  });
  afterAll(async () => {
    await service?.close();
    await db?.destroy();
  });

  it('spaces messages by the channel’s rate, retries after a 429, and marks a blocked person unreachable', async () => {
    const sink = new SinkMessenger();
    service.app.messengers.set('sink', sink);
    const people = await seedVolunteers(db.database.prisma, service.url, Array.from({ length: 30 }, () => ({ activities: ['leisure'] })));
    await db.database.prisma.channelIdentity.updateMany({ where: { personId: { in: people.map((p) => p.id) } }, data: { channel: 'sink' } });
    const [throttled, blocked] = people;
    sink.throttleOnce.add(throttled!.address);
    sink.blocked.add(blocked!.address);

    const organisation = await new AdminService(service.app.store, randomUUID).createOrganisation({ slug: `sink-${backend.name}`, name: 'Sink' });
    const startsAt = new Date(Date.now() + 48 * 3600_000);
    await service.app.calls.posting.post(organisation, null, {
      activity: 'leisure',
      title: 'Ausflug',
      description: '',
      place: 'Göttingen',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3600_000),
      helpersNeeded: 20,
    });
    await service.app.worker.drain();
    for (let i = 0; i < 50 && sink.sent.length < 29; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await service.app.worker.drain();
    }

    // Everyone but the blocked person, each once; the throttled one after waiting.
    expect(sink.sent).toHaveLength(29);
    expect(new Set(sink.sent.map((s) => s.address)).size).toBe(29);
    expect(sink.sent.map((s) => s.address)).toContain(throttled!.address);
    // At most 20 messages in any one second, as the channel demands.
    const times = sink.sent.map((s) => s.at).sort((a, b) => a - b);
    const busiestSecond = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
    expect(busiestSecond).toBeLessThanOrEqual(20);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(((29 - 20) * 1000) / 20);
    const identity = await db.database.prisma.channelIdentity.findFirstOrThrow({ where: { personId: blocked!.id } });
    expect(identity.unreachableSince).not.toBeNull();
  });
});
