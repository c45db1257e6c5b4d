import { randomUUID } from 'node:crypto';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import { DeliveryError, type ChannelCapabilities, type MessageRef, type MessengerPort, type SendOptions, type TurnResult } from '../../core/index.js';
import { renderTurn, type Renderer } from './teams-cards.js';
import type { TeamsReference, TeamsStore } from './teams-store.js';

export const TEAMS_CAPABILITIES: ChannelCapabilities = {
  buttons: true,
  multiSelect: true,
  editMessages: true,
  location: false,
  contact: false,
  cards: true,
  // Files in Teams need a consent card and an upload to the person's OneDrive: not built.
  files: false,
  readReceipts: false,
};

/**
 * Teams' side of the messenger port: proactive messages through the stored
 * conversation reference, edits of messages sent before (a status card), on
 * any instance after any restart. Throttling and vanished conversations become
 * {@link DeliveryError}s so the job queue knows whether to retry.
 */
export class TeamsMessenger implements MessengerPort {
  readonly capabilities = TEAMS_CAPABILITIES;
  /**
   * Teams allows a bot 7 messages a second per conversation but only 1,800 an hour, and 50
   * requests a second per app and tenant: a second per conversation, 30 a second in all,
   * leaves room for the replies to people's own messages.
   */
  readonly limits = { perSecond: 30, perAddressPerSecond: 1 };

  constructor(
    readonly channel: string,
    private readonly adapter: CloudAdapter,
    /** The bot's Microsoft App ID; empty when authentication is off (local testing). */
    private readonly appId: string,
    private readonly store: TeamsStore,
    private readonly renderer: Renderer,
  ) {}

  async send(address: string, message: TurnResult, options: SendOptions = {}): Promise<MessageRef> {
    const id = options.key ?? randomUUID();
    // With a key the send is idempotent: a message that went out before is not sent again.
    const earlier = options.key ? await this.store.beginSend(id, address, options.subject) : null;
    if (earlier?.activityId) return { channel: this.channel, address, id };
    const reference = await this.store.reference(address);
    if (!reference) throw new DeliveryError('unreachable', 'no Teams conversation is known for this address');
    const activityId = await this.deliver(reference, async (ctx) => (await ctx.sendActivity(renderTurn(this.renderer, message)))?.id);
    if (!activityId) throw new DeliveryError('transient', 'Teams returned no activity id');
    await this.store.recordSent(id, address, reference, activityId, options.subject);
    return { channel: this.channel, address, id };
  }

  async edit(ref: MessageRef, message: TurnResult): Promise<void> {
    const sent = await this.store.sent(ref.id);
    if (!sent?.reference || !sent.activityId) {
      await this.send(ref.address, message);
      return;
    }
    const { reference, activityId } = sent;
    await this.deliver(reference, async (ctx) => {
      await ctx.updateActivity({ ...renderTurn(this.renderer, message, { card: true }), id: activityId });
      return activityId;
    });
  }

  private async deliver(reference: TeamsReference, work: (ctx: TurnContext) => Promise<string | undefined>): Promise<string | undefined> {
    let result: string | undefined;
    try {
      await this.adapter.continueConversationAsync(this.appId, reference as never, async (ctx) => {
        result = await work(ctx);
      });
    } catch (error) {
      throw deliveryError(error);
    }
    return result;
  }
}

/** Bot Framework's answer as a delivery failure: 429 slow down, 403/404 gone, anything else transient. */
export function deliveryError(error: unknown): DeliveryError {
  const e = error as { statusCode?: number; response?: { headers?: { get?(name: string): string | undefined } } };
  const status = e.statusCode;
  if (status === 429) {
    const header = e.response?.headers?.get?.('retry-after');
    const seconds = header !== undefined ? Number(header) : NaN;
    return new DeliveryError('rate-limited', 'Teams asked to slow down (429)', Number.isFinite(seconds) ? seconds * 1000 : 1000);
  }
  if (status === 403 || status === 404) return new DeliveryError('unreachable', `Teams answered ${status}: the conversation is gone or the bot was removed`);
  return new DeliveryError('transient', status ? `Teams answered ${status}` : `Teams could not be reached: ${(error as Error).message}`);
}
