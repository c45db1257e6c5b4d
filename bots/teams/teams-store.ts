/**
 * Where a Teams conversation can be reached later, without anything that
 * names the person (no display names): the ids Bot Framework needs to send.
 */
export interface TeamsReference {
  channelId: string;
  serviceUrl: string;
  conversation: { id: string; conversationType?: string; tenantId?: string; isGroup?: boolean };
  bot: { id: string };
  user?: { id: string };
}

export interface SentTeamsMessage {
  address: string;
  reference: TeamsReference | null;
  /** The activity id Teams gave the message; null while a send is in flight (or died in it). */
  activityId: string | null;
}

/**
 * What the Teams adapter keeps in the service's database, so proactive
 * messages and edits work after a restart and from any instance
 * (implemented in `prisma/`).
 */
export interface TeamsStore {
  /**
   * Remembers how to reach a registered person: their personal chat with the bot only, so that
   * nothing meant for one person (a helper call, a reminder) is ever posted into a channel.
   * Nobody unregistered is remembered.
   */
  rememberReference(address: string, reference: TeamsReference): Promise<void>;
  reference(address: string): Promise<TeamsReference | null>;
  /** Starts a send with this id: null when it is new, else what an earlier send with the id left. */
  beginSend(id: string, address: string, subject?: string): Promise<SentTeamsMessage | null>;
  /** Records where a sent message lives, to edit it later (creates the row if the send began elsewhere). */
  recordSent(id: string, address: string, reference: TeamsReference, activityId: string, subject?: string): Promise<void>;
  sent(id: string): Promise<SentTeamsMessage | null>;
}
