export { apiRouter, type ApiRouterOptions, type ApiLog } from './api-router.js';
export { openApiDocument, type OpenApiDocument } from './openapi.js';
export { API_ERRORS, type ApiErrorCode } from './api-errors.js';
