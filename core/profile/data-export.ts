import { DomainError, ErrorCode } from '../errors.js';
import type { Repositories } from '../store.js';

/**
 * Everything stored about a person, as they may request it (GDPR Art. 15/20):
 * the profile, how they can be reached, and their consents.
 */
export async function exportPersonData(repos: Repositories, personId: string) {
  const person = await repos.people.findById(personId);
  if (!person) throw new DomainError(ErrorCode.PersonNotFound);
  const [identities, consents, information, questions, signups, photos] = await Promise.all([
    repos.identities.listForPerson(personId),
    repos.consents.listForPerson(personId),
    repos.information.profile(personId),
    repos.information.questionsOf(personId),
    repos.board.signupsOf(personId),
    repos.attachments.ofOwner(personId),
  ]);
  // The photos themselves travel in the file (base64), as stored: without their metadata.
  const attachments = [];
  for (const { id, submissionId, version, mediaType, size, sha256, createdAt } of photos) {
    const bytes = await repos.attachments.bytes(id);
    attachments.push({ submissionId, version, mediaType, size, sha256, createdAt, base64: bytes ? Buffer.from(bytes).toString('base64') : null });
  }
  return {
    exportedAt: new Date().toISOString(),
    profile: person,
    channels: identities.map(({ channel, address, preferred, createdAt, unreachableSince }) => ({ channel, address, preferred, createdAt, unreachableSince })),
    consents: consents.map(({ kind, noticeVersion, locale, givenAt, withdrawnAt }) => ({ kind, noticeVersion, locale, givenAt, withdrawnAt })),
    information: information && { topics: information.topics, secondLocale: information.secondLocale, createdAt: information.createdAt, updatedAt: information.updatedAt },
    questions: questions.map(({ text, answer, createdAt, answeredAt }) => ({ text, answer, createdAt, answeredAt })),
    signups: signups.map(({ kind, title, startsAt, endsAt, placeName, createdAt }) => ({ kind, title, startsAt, endsAt, place: placeName, signedUpAt: createdAt })),
    attachments,
  };
}
