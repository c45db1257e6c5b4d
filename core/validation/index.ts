export { normalizeEmail } from './email.js';
export { normalizePhone } from './phone.js';
export { normalizeName } from './name.js';
export { normalizeLanguageCode } from './language-code.js';
