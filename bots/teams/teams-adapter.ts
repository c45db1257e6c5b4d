import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';

export type TeamsAuth =
  | { authenticated: true; appId: string; password: string; tenantId: string | undefined; appType: 'SingleTenant' | 'MultiTenant' }
  | { authenticated: false };

/**
 * botbuilder's CloudAdapter. With credentials it checks every incoming
 * request's Bot Framework token (401 without a valid one) and signs outgoing
 * calls; without, it accepts anything and signs nothing, which is only for a
 * local connector or the Bot Framework Emulator.
 */
export function createTeamsAdapter(auth: TeamsAuth): CloudAdapter {
  const settings = auth.authenticated
    ? { MicrosoftAppId: auth.appId, MicrosoftAppPassword: auth.password, MicrosoftAppType: auth.appType, ...(auth.tenantId ? { MicrosoftAppTenantId: auth.tenantId } : {}) }
    : {};
  return new CloudAdapter(new ConfigurationBotFrameworkAuthentication(settings));
}
