export { MatrixBot, type MatrixBotOptions, type MatrixLog } from './matrix-bot.js';
export { MatrixMessenger, MATRIX_CHANNEL, MATRIX_CAPABILITIES } from './matrix-messenger.js';
export type { MatrixStore, MatrixRoom } from './matrix-store.js';
