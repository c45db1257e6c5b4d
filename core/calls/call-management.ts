import type { AnswerHandler } from '../conversation/engine.js';
import type { IncomingEvent } from '../conversation/types.js';
import { msg, type Msg } from '../messages.js';
import type { RoleGrant, Store } from '../store.js';
import { CALL_MANAGE_TOKEN } from './call-status.js';
import type { CallCoordination } from './coordination.js';
import { addPlaces, extendDeadline } from './call-adjustments.js';

/** Whether these grants let a person manage an organisation's calls: its coordinators, and admins. */
export function mayCoordinate(grants: RoleGrant[], organisationId: string): boolean {
  return grants.some((g) => (g.role === 'coordinator' && g.organisationId === organisationId) || (g.role === 'admin' && g.organisationId === null));
}

/**
 * The buttons of a call's status message: cancel the call, extend its
 * deadline, add a place. The role is checked here, on the server, for every
 * press: a forwarded message gives nobody else the power to cancel.
 */
export class CallManagement implements AnswerHandler {
  constructor(
    private readonly store: Store,
    private readonly coordination: CallCoordination,
    private readonly timeZoneOf: (regionId: string) => Promise<string>,
    private readonly now: () => Date,
  ) {}

  handles(event: IncomingEvent): boolean {
    const input = event.input;
    return (input.type === 'choice' || input.type === 'text') && (input.token?.startsWith(CALL_MANAGE_TOKEN) ?? false);
  }

  async answer(event: IncomingEvent): Promise<{ messages: Msg[] }> {
    const input = event.input;
    if (input.type !== 'choice' && input.type !== 'text') return { messages: [msg('conversation:pickOne')] };
    const callId = (input.token ?? '').slice(CALL_MANAGE_TOKEN.length);
    const action = input.type === 'choice' ? input.values[0] : input.text.trim().toLowerCase();
    if (action !== 'cancel' && action !== 'extend' && action !== 'add') return { messages: [msg('conversation:pickOne')] };
    if (!(await this.store.events.record(event.channel, event.eventId))) return { messages: [msg('conversation:duplicate')] };
    const person = await this.store.people.findByIdentity(event.channel, event.address);
    if (!person) return { messages: [msg('errors:NOT_REGISTERED')] };
    const call = await this.store.calls.findById(callId);
    if (!call) return { messages: [msg('coordination:manage.gone')] };
    if (!mayCoordinate(await this.store.roles.active(person.id), call.organisationId)) return { messages: [msg('errors:ROLE_REQUIRED')] };
    switch (action) {
      case 'cancel':
        return { messages: [msg((await this.coordination.cancel(call.id, person.id)) ? 'coordination:manage.cancelled' : 'coordination:manage.notOpen', { title: call.title })] };
      case 'extend': {
        const answerBy = await this.store.transaction((repos) => extendDeadline(repos, call.id, this.now(), person.id));
        if (!answerBy) return { messages: [msg('coordination:manage.cannotExtend', { title: call.title })] };
        return { messages: [msg('coordination:manage.extended', { title: call.title, deadline: { dateTime: answerBy, timeZone: await this.timeZoneOf(call.regionId) } })] };
      }
      case 'add':
        return { messages: [msg((await this.store.transaction((repos) => addPlaces(repos, call.id, this.now(), person.id))) ? 'coordination:manage.added' : 'coordination:manage.cannotAdd', { title: call.title, helpers: call.helpersNeeded + 1 })] };
    }
  }
}
