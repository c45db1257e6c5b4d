import { msg } from '../messages.js';
import type { Flow } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { MENU } from '../menu/menu-flow.js';
import { registered } from './profile-flow.js';

export const DELETE = 'delete';

/**
 * Deletes a person after one confirmation: the profile, every channel identity,
 * consents, memberships and roles go, and so do messages sent to them that a
 * channel keeps with us; drafts in their open conversations are cleared. The audit log keeps only the fact and the person's random id.
 */
export const deleteFlow: Flow = {
  id: DELETE,
  forRegistered: true,
  ask: () => ({
    text: msg('profile:delete.confirm'),
    choices: [
      { value: 'yes', label: msg('profile:delete.yes') },
      { value: 'no', label: msg('profile:delete.no') },
    ],
  }),
  answer: async (ctx, answer) => {
    const person = registered(ctx);
    const value = answer.type === 'choice' ? answer.values[0] : undefined;
    if (value === 'no') return { messages: [msg('profile:delete.kept')], next: { flow: MENU, step: 'main' } };
    if (value !== 'yes') return stay(ctx, msg('conversation:pickOne'));
    const identities = await ctx.repos.identities.listForPerson(person.id);
    // Their sign-ups go with them; the places they held are freed first.
    await ctx.repos.board.releaseAll(person.id);
    // Photos of items that are not published go with the person; a published one stays with its item, like its text.
    await ctx.repos.attachments.deleteUnpublished(person.id);
    await ctx.repos.people.delete(person.id);
    await ctx.repos.sentMessages.deleteForAddresses(identities);
    await ctx.repos.conversations.resetAll(
      identities.filter((i) => i.channel !== ctx.event.channel || i.address !== ctx.event.address),
      { flow: 'registration', step: 'language', token: 'deleted' },
    );
    await ctx.repos.audit.append({ actorId: person.id, action: 'person.deleted', subjectType: 'person', subjectId: person.id });
    return { messages: [msg('profile:delete.done')], next: { flow: 'registration', step: 'language' } };
  },
};
