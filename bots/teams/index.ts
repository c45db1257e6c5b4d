export { teamsRouter, referenceOf, TEAMS_CHANNEL, type TeamsBotOptions, type TeamsLog } from './teams-bot.js';
export { TeamsMessenger, TEAMS_CAPABILITIES, deliveryError } from './teams-messenger.js';
export { createTeamsAdapter, type TeamsAuth } from './teams-adapter.js';
export { renderTurn, renderCallForm, ADAPTIVE_CARD, type CardData, type OutgoingActivity } from './teams-cards.js';
export type { TeamsStore, TeamsReference, SentTeamsMessage } from './teams-store.js';
