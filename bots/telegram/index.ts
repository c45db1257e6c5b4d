export { TelegramAdapter, TELEGRAM_CHANNEL, MENU_COMMANDS, type TelegramAdapterOptions, type TelegramSettings } from './telegram-adapter.js';
export { TelegramMessenger, TELEGRAM_CAPABILITIES, type TelegramMessageStore } from './telegram-messenger.js';
export { TELEGRAM_LIMITS } from './telegram-limits.js';
export { ALLOWED_UPDATES } from './telegram-bot.js';
