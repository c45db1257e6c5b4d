import { randomBytes } from 'node:crypto';
import { ConcurrentUpdateError, DomainError, ErrorCode } from '../errors.js';
import { isMsg, msg, type Msg } from '../messages.js';
import type { Region } from '../regions/region.js';
import type { Repositories, Store, StoredConversation } from '../store.js';
import type { CommandTable } from './commands.js';
import type { ConversationServices, Flow, FlowContext, Transition } from './flow.js';
import { interpretInput } from './interpret.js';
import { pickLocale } from './locale.js';
import type { ConversationState } from './state.js';
import type { IncomingEvent, TurnResult } from './types.js';
import { receiveFile } from '../attachments/received.js';

export interface ConversationEngineOptions {
  store: Store;
  services: ConversationServices;
  flows: Flow[];
  commands: CommandTable;
  /** Where a conversation without a registered person starts. */
  initialState(registered: boolean): Omit<ConversationState, 'token'>;
  /**
   * Answers to questions that live outside the conversation (a helper call's
   * Accept / Decline): recognised by their token and handled in their own
   * transaction; the person then sees the conversation's current question again.
   */
  answerHandlers?: AnswerHandler[];
}

export interface AnswerHandler {
  handles(event: IncomingEvent): boolean;
  answer(event: IncomingEvent): Promise<{ messages: Msg[] }>;
}

const MAX_ATTEMPTS = 5;

/**
 * Runs one turn of a conversation for any channel: recognises duplicates and
 * stale answers, hands the answer to the flow of the current step, and stores
 * the new state. A turn is one database transaction, and the state carries a
 * version, so any instance can take any turn and a crash loses nothing.
 */
export class ConversationEngine {
  private readonly flows: Map<string, Flow>;

  constructor(private readonly options: ConversationEngineOptions) {
    this.flows = new Map(options.flows.map((f) => [f.id, f]));
  }

  async handle(event: IncomingEvent): Promise<TurnResult> {
    const handler = this.options.answerHandlers?.find((h) => h.handles(event));
    if (handler) {
      const reply = await handler.answer(event);
      const current = await this.handle({ ...event, input: { type: 'open' } });
      return { ...current, messages: reply.messages };
    }
    // A file is downloaded before the turn's transaction, so a slow channel holds no database connection,
    // and only when the question takes one: anywhere else it is declined without fetching it.
    if (event.input.type === 'file' && (await this.acceptsFile(event))) {
      event = { ...event, input: { ...event.input, file: await receiveFile(event.input.file, this.options.services.attachments?.maxBytes) } };
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.options.store.transaction((repos) => this.turn(repos, event));
      } catch (error) {
        // Another instance took a turn in this conversation first: take ours again on the new state.
        if (error instanceof ConcurrentUpdateError && attempt < MAX_ATTEMPTS) continue;
        if (error instanceof ConcurrentUpdateError) throw new DomainError(ErrorCode.ConversationBusy);
        throw error;
      }
    }
  }

  private async turn(repos: Repositories, event: IncomingEvent): Promise<TurnResult> {
    const { services } = this.options;
    const replayed = event.input.type !== 'open' && !(await repos.events.record(event.channel, event.eventId));
    const person = await repos.people.findByIdentity(event.channel, event.address);
    const conversation = (await repos.conversations.get(event.channel, event.address)) ?? (await this.begin(repos, event, person !== null));
    if (this.flow(conversation.state.flow).forRegistered && !person) {
      // The person was deleted (perhaps from another channel): start over. The fixed token keeps
      // this derived state stable until the next answer stores it.
      conversation.state = { ...this.options.initialState(false), token: 'restart', ...(conversation.state.regionId ? { regionId: conversation.state.regionId } : {}) };
    }
    const locale = person?.locale ?? conversation.locale ?? pickLocale(event.localeHint, services.locales, services.defaultLocale);
    const region = await this.regionOf(repos, conversation.state, event);
    const ctx: FlowContext = { event, repos, services, person, locale, state: conversation.state, region };

    if (replayed) return this.result(ctx, [msg('conversation:duplicate')], undefined, true);

    const input = event.input;
    let transition: Transition;
    switch (input.type) {
      case 'open':
        return this.result(ctx, conversation.version === 0 ? [] : [msg('conversation:resumed')]);
      case 'command': {
        const command = this.options.commands[input.command.toLowerCase()];
        if (!command) return this.result(ctx, [msg('conversation:unknownCommand', { command: input.command })]);
        transition = await command(ctx);
        break;
      }
      default: {
        if (input.token !== undefined && input.token !== conversation.state.token) {
          return this.result(ctx, [msg('conversation:stale')], undefined, true);
        }
        const flow = this.flow(ctx.state.flow);
        const prompt = await flow.ask(ctx);
        const answer = interpretInput(input, prompt, (m) => services.render(locale, m), services.attachments?.maxBytes);
        transition = isMsg(answer) ? { messages: [answer], next: sameStep(ctx.state) } : await flow.answer(ctx, answer);
      }
    }
    return this.apply(repos, ctx, conversation, transition);
  }

  private async apply(repos: Repositories, ctx: FlowContext, conversation: StoredConversation, transition: Transition): Promise<TurnResult> {
    const { next } = transition;
    const moved = next.flow !== ctx.state.flow || next.step !== ctx.state.step;
    const state: ConversationState = {
      flow: next.flow,
      step: next.step,
      token: moved ? newToken() : ctx.state.token,
      ...(ctx.state.regionId ? { regionId: ctx.state.regionId } : {}),
      ...(next.data ? { data: next.data } : {}),
    };
    const locale = transition.locale ?? ctx.locale;
    const saved = await repos.conversations.update(conversation.channel, conversation.address, conversation.version, {
      locale,
      state,
    });
    if (!saved) throw new ConcurrentUpdateError('conversation');
    // The transition may have created or deleted the person.
    const person = await repos.people.findByIdentity(conversation.channel, conversation.address);
    const after: FlowContext = { ...ctx, person, locale, state };
    const repeated = !moved && JSON.stringify(next.data ?? null) === JSON.stringify(ctx.state.data ?? null);
    return this.result(after, transition.messages ?? [], transition.attachment, repeated);
  }

  /** `repeated`: the same question again (a refused answer): its photo was shown with it already and is not sent twice. */
  private async result(ctx: FlowContext, messages: Msg[], attachment?: TurnResult['attachment'], repeated = false): Promise<TurnResult> {
    const { image, ...spec } = await this.flow(ctx.state.flow).ask(ctx);
    const prompt = { ...spec, token: ctx.state.token, ...(image && !repeated ? { image } : {}) };
    return { locale: ctx.locale, messages, prompt, ...(attachment ? { attachment } : {}) };
  }

  /** Whether the conversation's current question takes a photo (read on its own, before the turn). */
  private async acceptsFile(event: IncomingEvent): Promise<boolean> {
    const { services } = this.options;
    return this.options.store.transaction(async (repos) => {
      const conversation = await repos.conversations.get(event.channel, event.address);
      if (!conversation) return false;
      const flow = this.flow(conversation.state.flow);
      const person = await repos.people.findByIdentity(event.channel, event.address);
      if (flow.forRegistered && !person) return false;
      const locale = person?.locale ?? conversation.locale ?? services.defaultLocale;
      const region = await this.regionOf(repos, conversation.state, event);
      const prompt = await flow.ask({ event, repos, services, person, locale, state: conversation.state, region });
      return prompt.acceptsImage === true;
    });
  }

  private async begin(repos: Repositories, event: IncomingEvent, registered: boolean): Promise<StoredConversation> {
    const region = event.regionHint ? await repos.regions.findBySlug(event.regionHint) : null;
    const state: ConversationState = {
      ...this.options.initialState(registered),
      token: newToken(),
      ...(region ? { regionId: region.id } : {}),
    };
    const conversation = { channel: event.channel, address: event.address, locale: null, state };
    if (!(await repos.conversations.create(conversation))) throw new ConcurrentUpdateError('conversation');
    return { ...conversation, version: 0 };
  }

  private async regionOf(repos: Repositories, state: ConversationState, event: IncomingEvent): Promise<Region> {
    const region =
      (state.regionId ? await repos.regions.findById(state.regionId) : null) ??
      (event.regionHint ? await repos.regions.findBySlug(event.regionHint) : null) ??
      (await repos.regions.getDefault());
    if (!region) throw new DomainError(ErrorCode.RegionNotFound, 'No default region: run the migrations and start the service once');
    return region;
  }

  private flow(id: string): Flow {
    const flow = this.flows.get(id);
    if (!flow) throw new Error(`Unknown flow ${id}`);
    return flow;
  }
}

function sameStep(state: ConversationState): Transition['next'] {
  return { flow: state.flow, step: state.step, ...(state.data ? { data: state.data } : {}) };
}

function newToken(): string {
  return randomBytes(6).toString('base64url');
}
