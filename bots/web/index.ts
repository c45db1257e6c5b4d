export { webChatRouter, WEB_CHANNEL, type WebChatOptions } from './web-chat.js';
