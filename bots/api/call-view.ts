import { tallyResponses, type CallResponse, type HelperCall } from '../../core/index.js';

/** A call as the API shows it: the fields it was posted with, its state, ISO dates. No personal data. */
export function callJson(call: HelperCall) {
  return {
    id: call.id,
    status: call.status,
    activity: call.activityKey,
    title: call.title,
    description: call.description,
    descriptionLang: call.descriptionLang,
    place: { name: call.placeName, lat: call.lat, lon: call.lon },
    radiusKm: call.radiusKm,
    startsAt: call.startsAt.toISOString(),
    endsAt: call.endsAt.toISOString(),
    answerBy: call.answerBy.toISOString(),
    helpersNeeded: call.helpersNeeded,
    acceptedCount: call.acceptedCount,
    languages: call.languages,
    minAge: call.minAge,
    skills: call.skills,
    createdAt: call.createdAt.toISOString(),
  };
}

/**
 * Where a call stands: how many were asked, saw it, accepted or declined, in
 * total and per wave, and how many places are still open. Of the people, only
 * those who accepted are named, by id and first name: the organisation needs
 * to know who is coming and, afterwards, who came.
 */
export function callStatusJson(call: HelperCall, responses: CallResponse[], firstNames: Map<string, string | null> = new Map()) {
  const waves = [...new Set(responses.map((r) => r.wave))].sort((a, b) => a - b);
  return {
    ...callJson(call),
    openPlaces: Math.max(0, call.helpersNeeded - call.acceptedCount),
    responses: tallyResponses(responses),
    wavesSent: call.waves,
    nextWaveAt: call.nextWaveAt?.toISOString() ?? null,
    waves: waves.map((wave) => ({ wave, ...tallyResponses(responses.filter((r) => r.wave === wave)) })),
    helpers: responses.filter((r) => r.status === 'accepted').map((r) => ({ personId: r.personId, firstName: firstNames.get(r.personId) ?? null, attended: r.attended })),
  };
}
