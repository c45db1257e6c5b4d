import { API_ERRORS, type ApiErrorCode } from './api-errors.js';

/** The parts of JSON Schema 2020-12 (OpenAPI 3.1's schema dialect) this document uses. */
export interface JsonSchema {
  $ref?: string;
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null' | ('string' | 'number' | 'integer' | 'boolean' | 'null')[];
  format?: string;
  description?: string;
  enum?: readonly string[];
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  examples?: unknown[];
}

interface Ref {
  $ref: string;
}

interface Parameter {
  name: string;
  in: 'path' | 'header';
  required: boolean;
  description: string;
  schema: JsonSchema;
}

interface ResponseObject {
  description: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
  content?: Record<string, { schema: JsonSchema }>;
}

interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Record<string, string[]>[];
  parameters?: (Parameter | Ref)[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, ResponseObject | Ref>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  servers: { url: string }[];
  security: Record<string, string[]>[];
  tags: { name: string; description: string }[];
  paths: Record<string, Partial<Record<'get' | 'post', Operation>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    parameters: Record<string, Parameter>;
    responses: Record<string, ResponseObject>;
    securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; description: string }>;
  };
}

const ref = (kind: 'schemas' | 'parameters' | 'responses', name: string): Ref => ({ $ref: `#/components/${kind}/${name}` });
const json = (schema: JsonSchema) => ({ 'application/json': { schema } });
const dateTime = (description: string): JsonSchema => ({ type: 'string', format: 'date-time', description, examples: ['2025-06-02T09:00:00+02:00'] });
const retryAfter = { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' as const, minimum: 1 } } };

type ErrorStatus = (typeof API_ERRORS)[ApiErrorCode]['status'];

/** The name of each error status's response in `components.responses`. */
const ERROR_RESPONSES: Record<ErrorStatus, string> = {
  400: 'BadRequest',
  401: 'Unauthenticated',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'ValidationFailed',
  429: 'RateLimited',
  500: 'Unexpected',
  503: 'ServiceUnavailable',
};

const problem: JsonSchema = { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string', examples: ['startsAt'] }, message: { type: 'string' } } };

/** One response per error status: the codes it can carry, their sentences, and the headers that go with it. */
function errorResponses(): Record<string, ResponseObject> {
  const headers: Partial<Record<ErrorStatus, ResponseObject['headers']>> = {
    401: { 'WWW-Authenticate': { description: 'Always `Bearer realm="helferruf"`.', schema: { type: 'string' } } },
    429: retryAfter,
    503: retryAfter,
  };
  return Object.fromEntries(
    (Object.entries(ERROR_RESPONSES) as unknown as [string, string][]).map(([key, name]) => {
      const status = Number(key) as ErrorStatus;
      const codes = (Object.keys(API_ERRORS) as ApiErrorCode[]).filter((code) => API_ERRORS[code].status === status);
      const withProblems = status === 422;
      const schema: JsonSchema = {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: withProblems ? ['code', 'message', 'problems'] : ['code', 'message'],
            properties: {
              code: { type: 'string', enum: codes },
              message: { type: 'string' },
              ...(withProblems ? { problems: { type: 'array', items: ref('schemas', 'Problem'), description: 'One per field, in the Accept-Language language.' } } : {}),
            },
          },
        },
      };
      const description = codes.map((code) => `\`${code}\`: ${API_ERRORS[code].text}`).join(' ');
      const h = headers[status];
      return [name, { description, ...(h ? { headers: h } : {}), content: json(schema) }];
    }),
  );
}

/** A reference to the response of an error status. */
const error = (status: ErrorStatus) => ref('responses', ERROR_RESPONSES[status]);

const place: JsonSchema = {
  description: 'A town, a five-digit postcode, or an address with one ("Weender Str. 5, 37073 Göttingen"), resolved offline; or coordinates with a name.',
  oneOf: [
    { type: 'string', maxLength: 300, examples: ['Göttingen'] },
    {
      type: 'object',
      additionalProperties: false,
      required: ['lat', 'lon', 'name'],
      properties: { lat: { type: 'number', minimum: -90, maximum: 90 }, lon: { type: 'number', minimum: -180, maximum: 180 }, name: { type: 'string', minLength: 1, maxLength: 200 } },
    },
  ],
};

const counts: JsonSchema = {
  type: 'object',
  required: ['asked', 'seen', 'accepted', 'declined', 'released', 'unanswered'],
  properties: {
    asked: { type: 'integer', description: 'People asked.' },
    seen: { type: 'integer', description: 'Of those, who saw the request (where the messenger tells).' },
    accepted: { type: 'integer' },
    declined: { type: 'integer' },
    released: { type: 'integer', description: 'Accepted, then gave the place back.' },
    unanswered: { type: 'integer', description: 'Asked and not answered yet.' },
  },
};

const callFields: Record<string, JsonSchema> = {
  id: { type: 'string', description: 'The call id (a UUID).' },
  status: { type: 'string', enum: ['open', 'full', 'cancelled', 'expired', 'done'] },
  activity: { type: 'string' },
  title: { type: 'string' },
  description: { type: 'string' },
  descriptionLang: { type: 'string', description: 'ISO 639 code of the language title and description are written in.' },
  place: { type: 'object', required: ['name', 'lat', 'lon'], properties: { name: { type: 'string' }, lat: { type: 'number' }, lon: { type: 'number' } } },
  radiusKm: { type: ['integer', 'null'] },
  startsAt: { type: 'string', format: 'date-time' },
  endsAt: { type: 'string', format: 'date-time' },
  answerBy: { type: 'string', format: 'date-time' },
  helpersNeeded: { type: 'integer' },
  acceptedCount: { type: 'integer' },
  languages: { type: 'array', items: { type: 'string' } },
  minAge: { type: ['integer', 'null'] },
  skills: { type: ['string', 'null'] },
  createdAt: { type: 'string', format: 'date-time' },
};

/** The API's contract, served at `GET /api/v1/openapi.json`; a test holds it to the router. */
export function openApiDocument(publicUrl: string): OpenApiDocument {
  const authErrors = { '401': error(401), '429': error(429) };
  const serverErrors = { '500': error(500), '503': error(503) };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Helferruf API',
      version: '1.0.0',
      description:
        'For organisations\' own systems: post a helper call, and follow how it fills. Volunteers are asked in fair rotation, in their own language, in the messenger they use. ' +
        'Every error is `{"error": {"code", "message"}}` with a stable code; validation errors add `problems`, one per field, in the `Accept-Language` language (default English).',
      license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' },
    },
    servers: [{ url: `${publicUrl}/api/v1` }],
    security: [{ apiKey: [] }],
    tags: [{ name: 'calls', description: 'Helper calls' }, { name: 'meta', description: 'This description' }],
    paths: {
      '/calls': {
        post: {
          operationId: 'postCall',
          summary: 'Post a helper call',
          description: 'Stores the call and starts asking matching volunteers at once. With an `Idempotency-Key`, a repeated request (also a concurrent one) returns the first call with 200 instead of posting it again.',
          tags: ['calls'],
          parameters: [ref('parameters', 'IdempotencyKey'), ref('parameters', 'AcceptLanguage')],
          requestBody: { required: true, content: json(ref('schemas', 'CallInput')) },
          responses: {
            '201': {
              description: 'Posted.',
              headers: { Location: { description: 'The call\'s address: `/api/v1/calls/{id}`.', schema: { type: 'string' } } },
              content: json(ref('schemas', 'Call')),
            },
            '200': {
              description: 'Posted before with this Idempotency-Key: the first call, unchanged.',
              headers: {
                Location: { description: 'The call\'s address.', schema: { type: 'string' } },
                'Idempotent-Replayed': { description: 'Always `true`.', schema: { type: 'string', enum: ['true'] } },
              },
              content: json(ref('schemas', 'Call')),
            },
            '400': error(400),
            ...authErrors,
            '413': error(413),
            '415': error(415),
            '422': error(422),
            ...serverErrors,
          },
        },
      },
      '/calls/{id}': {
        get: {
          operationId: 'getCall',
          summary: 'A call and how it fills',
          description: 'Only the organisation\'s own calls; any other id is 404. Counts, and who accepted by id and first name.',
          tags: ['calls'],
          parameters: [{ name: 'id', in: 'path', required: true, description: 'The call id.', schema: { type: 'string', maxLength: 100 } }, ref('parameters', 'AcceptLanguage')],
          responses: { '200': { description: 'The call.', content: json(ref('schemas', 'CallStatus')) }, ...authErrors, '404': error(404), ...serverErrors },
        },
      },
      '/calls/{id}/cancel': {
        post: {
          operationId: 'cancelCall',
          summary: 'Cancel a call',
          description: 'Everyone who accepted is told; unanswered notifications say the call was cancelled.',
          tags: ['calls'],
          parameters: [{ name: 'id', in: 'path', required: true, description: 'The call id.', schema: { type: 'string', maxLength: 100 } }, ref('parameters', 'AcceptLanguage')],
          responses: { '200': { description: 'Cancelled.', content: json(ref('schemas', 'Call')) }, ...authErrors, '404': error(404), '409': error(409), ...serverErrors },
        },
      },
      '/calls/{id}/attendance': {
        post: {
          operationId: 'recordAttendance',
          summary: 'Record whether a helper came',
          description: 'After the end, for someone who accepted (see `helpers` in the call\'s status). A no-show is counted once and lowers the person\'s rank in the rotation for a while; nobody is banned for it.',
          tags: ['calls'],
          parameters: [{ name: 'id', in: 'path', required: true, description: 'The call id.', schema: { type: 'string', maxLength: 100 } }, ref('parameters', 'AcceptLanguage')],
          requestBody: { required: true, content: json(ref('schemas', 'Attendance')) },
          responses: { '204': { description: 'Recorded.' }, '400': error(400), ...authErrors, '404': error(404), '409': error(409), '415': error(415), '422': error(422), ...serverErrors },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This description (OpenAPI 3.1)',
          tags: ['meta'],
          security: [],
          responses: { '200': { description: 'The OpenAPI document.', content: json({ type: 'object' }) } },
        },
      },
    },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key of the organisation (`hr_` and 32 characters), issued by an operator: `npm run admin -- apikey issue --org <slug>`.' } },
      parameters: {
        IdempotencyKey: { name: 'Idempotency-Key', in: 'header', required: false, description: '1-100 printable ASCII characters; the same key of the same organisation always returns the first call.', schema: { type: 'string', minLength: 1, maxLength: 100 } },
        AcceptLanguage: { name: 'Accept-Language', in: 'header', required: false, description: 'Language of translated messages: de, en, ar, fa, uk, ru, tr or fr. Default: English.', schema: { type: 'string' } },
      },
      schemas: {
        CallInput: {
          type: 'object',
          additionalProperties: false,
          required: ['activity', 'title', 'description', 'place', 'startsAt', 'endsAt', 'helpersNeeded'],
          properties: {
            activity: { type: 'string', description: 'A key of the region\'s activity catalogue, e.g. `translating`.', maxLength: 64 },
            title: { type: 'string', minLength: 3, maxLength: 120 },
            description: { type: 'string', maxLength: 2000 },
            descriptionLang: { type: 'string', description: 'Language of title and description (ISO 639). Default: the service\'s default language.' },
            place,
            startsAt: dateTime('In the future.'),
            endsAt: dateTime('After the start.'),
            answerBy: dateTime('Deadline for answers: in the future, not after the start. Default: one hour before the start.'),
            helpersNeeded: { type: 'integer', minimum: 1, maximum: 200 },
            languages: { type: 'array', items: { type: 'string' }, maxItems: 30, description: 'Languages a helper must speak (ISO 639 codes).' },
            minAge: { type: 'integer', minimum: 0, maximum: 99 },
            skills: { type: 'string', maxLength: 1000 },
            radiusKm: { type: 'integer', minimum: 1, maximum: 100, description: 'Ask only volunteers within this distance.' },
          },
        },
        Call: { type: 'object', required: Object.keys(callFields), properties: callFields },
        Attendance: {
          type: 'object',
          required: ['personId', 'attended'],
          additionalProperties: false,
          properties: { personId: { type: 'string', maxLength: 100 }, attended: { type: 'boolean' } },
        },
        CallStatus: {
          allOf: [
            ref('schemas', 'Call'),
            {
              type: 'object',
              required: ['openPlaces', 'responses', 'wavesSent', 'nextWaveAt', 'waves', 'helpers'],
              properties: {
                helpers: {
                  type: 'array',
                  description: 'Who accepted: an id and the first name only, for the organisation that asked them.',
                  items: { type: 'object', required: ['personId', 'firstName', 'attended'], properties: { personId: { type: 'string' }, firstName: { type: ['string', 'null'] }, attended: { type: ['boolean', 'null'] } } },
                },
                openPlaces: { type: 'integer', description: 'Places not taken yet.' },
                responses: counts,
                wavesSent: { type: 'integer' },
                nextWaveAt: { type: ['string', 'null'], format: 'date-time' },
                waves: { type: 'array', items: { allOf: [{ type: 'object', required: ['wave'], properties: { wave: { type: 'integer', minimum: 1 } } }, counts] } },
              },
            },
          ],
        },
        Problem: problem,
      },
      responses: errorResponses(),
    },
  };
}
