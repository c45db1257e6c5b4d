import { randomUUID } from 'node:crypto';
import type { ChannelCapabilities, MessageRef, MessengerPort, SendOptions, TurnResult } from '../../core/index.js';
import { webView, type Renderer } from './web-view.js';

/** Where the web chat keeps messages until the page fetches them (implemented in prisma/). */
export interface WebInboxStore {
  /** Returns false when a message with this id exists already. */
  add(id: string, address: string, payload: unknown, subject?: string): Promise<boolean>;
  /** Returns false if there is no such message for this address. */
  replace(id: string, address: string, payload: unknown): Promise<boolean>;
  since(address: string, after: Date | null, limit: number): Promise<{ id: string; createdAt: Date; updatedAt: Date; payload: unknown }[]>;
}

export const WEB_CAPABILITIES: ChannelCapabilities = {
  buttons: true,
  multiSelect: true,
  editMessages: true,
  location: true,
  contact: false,
  cards: false,
  files: true,
  readReceipts: false,
  images: true,
};

/**
 * The web chat's side of the messenger port. The page has no push channel, so
 * a message is rendered in the recipient's language and kept in the inbox; the
 * page fetches new and changed messages every few seconds, from any instance.
 */
export class WebMessenger implements MessengerPort {
  readonly channel: string;
  readonly capabilities = WEB_CAPABILITIES;

  constructor(
    private readonly inbox: WebInboxStore,
    private readonly renderer: Renderer,
    channel: string,
  ) {
    this.channel = channel;
  }

  async send(address: string, message: TurnResult, options: SendOptions = {}): Promise<MessageRef> {
    // With a key the send is idempotent: the message's id is the key, and a second insert is ignored.
    const id = options.key ?? randomUUID();
    await this.inbox.add(id, address, webView(this.renderer, message), options.subject);
    return { channel: this.channel, address, id };
  }

  async edit(ref: MessageRef, message: TurnResult): Promise<void> {
    if (!(await this.inbox.replace(ref.id, ref.address, webView(this.renderer, message)))) await this.send(ref.address, message);
  }
}
