export { webChatRouter, WEB_CHANNEL, type WebChatOptions } from './web-chat.js';
export { WebMessenger, WEB_CAPABILITIES, type WebInboxStore } from './web-messenger.js';
