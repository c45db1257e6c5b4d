import type { Place } from '../geo/index.js';
import { msg } from '../messages.js';
import { chosen, typed, typedNumber, type Step } from './step.js';

const NONE = 'none';
export const RADIUS_OPTIONS = [2, 5, 10, 25, 50];

function placeLabel(place: Place): string {
  return [place.postcode, place.name].filter(Boolean).join(' ') + (place.state ? `, ${place.state}` : '');
}

function placePatch(place: Place) {
  return { placeName: place.name, postcode: place.postcode ?? null, lat: place.lat, lon: place.lon, placeOptions: undefined };
}

/** Home place: a German town or postcode, resolved offline, or a shared location. */
export const placeStep: Step = {
  ask: () => ({ text: msg('registration:ask.place'), input: 'place', acceptsLocation: true }),
  accept: (ctx, _draft, answer) => {
    if (answer.type === 'location') {
      const near = ctx.services.places.nearest(answer.lat, answer.lon);
      return {
        patch: { placeName: near?.name ?? `${answer.lat.toFixed(3)}, ${answer.lon.toFixed(3)}`, postcode: null, lat: answer.lat, lon: answer.lon },
      };
    }
    const query = typed(answer);
    if (!query) return { error: msg('registration:invalid.place') };
    const found = ctx.services.places.search(query, 6);
    if (found.length === 0) return { error: msg('registration:invalid.placeUnknown', { query }) };
    if (found.length === 1) return { patch: placePatch(found[0]!) };
    return { patch: { placeOptions: found }, goto: 'placePick' };
  },
};

/** Several places share the typed name: the person picks theirs. */
export const placePickStep: Step = {
  ask: (_ctx, draft) => ({
    text: msg('registration:ask.placePick'),
    choices: [
      ...(draft.placeOptions ?? []).map((p, i) => ({ value: String(i), label: { text: placeLabel(p) } })),
      { value: NONE, label: msg('registration:place.noneOfThese') },
    ],
  }),
  accept: (_ctx, draft, answer) => {
    const value = chosen(answer)?.[0];
    if (value === NONE) return { patch: { placeOptions: undefined }, goto: 'place' };
    const place = value !== undefined ? draft.placeOptions?.[Number(value)] : undefined;
    return place ? { patch: placePatch(place) } : { error: msg('conversation:pickOne') };
  },
};

/** How far the person will travel, in kilometres. */
export const radiusStep: Step = {
  ask: (_ctx, draft) => ({
    text: msg('registration:ask.radius'),
    input: 'number',
    choices: RADIUS_OPTIONS.map((km) => ({ value: String(km), label: msg('registration:radius.option', { km }), selected: draft.travelRadiusKm === km })),
  }),
  accept: (_ctx, _draft, answer) => {
    const km = typedNumber(answer, 1, 300);
    return km === null ? { error: msg('registration:invalid.radius', { min: 1, max: 300 }) } : { patch: { travelRadiusKm: km } };
  },
};
