import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { TurnContext, type Activity, type CloudAdapter } from 'botbuilder';
import { z } from 'zod';
import {
  CALL_FORM_FIELDS,
  CALL_MANAGE_TOKEN,
  CALL_TOKEN_PREFIX,
  CALL_STATUS_SUBJECT,
  commandFromText,
  DomainError,
  pickLocale,
  StoreUnavailableError,
  type CallFormOutcome,
  type CallFormValues,
  type IncomingEvent,
  type Input,
  type Msg,
  type TurnResult,
} from '../../core/index.js';
import { ADAPTIVE_CARD, renderCallForm, renderTurn, type OutgoingActivity, type Renderer } from './teams-cards.js';
import type { TeamsReference, TeamsStore } from './teams-store.js';

export const TEAMS_CHANNEL = 'teams';

export interface TeamsLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface TeamsBotOptions {
  adapter: CloudAdapter;
  engine: { handle(event: IncomingEvent): Promise<TurnResult> };
  forms: {
    open(channel: string, address: string, eventId: string): Promise<CallFormOutcome>;
    submit(channel: string, address: string, eventId: string, formId: string, values: CallFormValues): Promise<CallFormOutcome>;
  };
  /** A call's status card as it is now, in a language. */
  callStatus(callId: string, locale: string): Promise<TurnResult | null>;
  store: TeamsStore;
  renderer: Renderer;
  defaultLocale: string;
  log: TeamsLog;
  /** Whether the adapter checks Bot Framework tokens (false only for local testing). */
  authenticated: boolean;
}

const token = z.string().min(1).max(80);
const formValue = z.string().max(4000);
const cardData = z.discriminatedUnion('hr', [
  z.object({ hr: z.literal('choice'), token, value: z.string().min(1).max(64) }),
  z.object({ hr: z.literal('answer'), token, hrText: z.string().max(4000).optional(), hrValues: z.string().max(2000).optional() }),
  z.object({ hr: z.literal('call-form'), formId: z.uuid(), ...Object.fromEntries(CALL_FORM_FIELDS.map((f) => [f, formValue.optional()])) }),
]);
type CardAction = z.infer<typeof cardData>;
const invokeValue = z.object({ action: z.object({ type: z.literal('Action.Execute'), verb: z.string().max(64).optional(), data: z.unknown() }) });

/** What an Action.Execute is answered with: a card that replaces the one pressed, or a short message. */
type InvokeBody = { statusCode: 200; type: typeof ADAPTIVE_CARD; value: unknown } | { statusCode: 200; type: 'application/vnd.microsoft.activity.message'; value: string };

/**
 * Microsoft Teams at POST /api/messages, through botbuilder's CloudAdapter
 * (which checks the Bot Framework token when authentication is on). Every
 * activity becomes the core's one event shape; the answers become Adaptive
 * Cards. Coordinators get `/call` as one form instead of question by question.
 */
export function teamsRouter(options: TeamsBotOptions): Router {
  const { adapter, engine, renderer, log, store } = options;
  const router = express.Router();

  const localeOf = (activity: Partial<Activity>) => pickLocale(activity.locale, renderer.locales, options.defaultLocale);
  const textActivity = (locale: string, message: Msg): OutgoingActivity => ({ type: 'message', text: renderer.render(locale, message), textFormat: 'plain', locale });

  async function turn(ctx: TurnContext): Promise<void> {
    const activity = ctx.activity;
    let invoke: InvokeBody | undefined;
    try {
      invoke = await handle(ctx);
      const address = activity.from?.id;
      if (address && activity.serviceUrl && activity.conversation?.id) await store.rememberReference(address, referenceOf(activity));
    } catch (error) {
      const code = error instanceof DomainError ? error.code : error instanceof StoreUnavailableError ? 'SERVICE_UNAVAILABLE' : 'UNEXPECTED';
      if (error instanceof StoreUnavailableError) log.warn({ err: { message: error.message }, type: activity.type }, 'database unavailable during a Teams turn');
      // Name, message and status only: an SDK error can carry the request, and with it what a person wrote.
      else if (!(error instanceof DomainError)) log.error({ err: { name: (error as Error).name, message: (error as Error).message, statusCode: (error as { statusCode?: number }).statusCode }, type: activity.type }, 'unexpected error in a Teams turn');
      const reply = textActivity(localeOf(activity), { key: `errors:${code}` });
      if (activity.type === 'invoke') invoke = { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: reply.text! };
      else await ctx.sendActivity(reply).catch((e: unknown) => log.warn({ err: { message: (e as Error).message } }, 'could not tell a Teams user about an error'));
    }
    if (activity.type === 'invoke') await ctx.sendActivity({ type: 'invokeResponse', value: { status: 200, body: invoke ?? {} } });
  }

  async function handle(ctx: TurnContext): Promise<InvokeBody | undefined> {
    const activity = ctx.activity;
    const address = activity.from?.id;
    if (!address) return undefined;
    const event = (input: Input): IncomingEvent => ({
      channel: TEAMS_CHANNEL,
      address,
      eventId: activity.id ?? randomUUID(),
      ...(activity.locale ? { localeHint: activity.locale } : {}),
      input,
    });

    if (activity.type === 'message') {
      if (activity.value !== undefined && activity.value !== null) {
        const data = cardData.safeParse(activity.value);
        if (!data.success) {
          await ctx.sendActivity(textActivity(localeOf(activity), { key: 'teams:unreadable' }));
          return undefined;
        }
        return act(ctx, data.data, event, 'submit');
      }
      const text = (TurnContext.removeRecipientMention(activity as Activity) ?? activity.text ?? '').trim();
      const command = commandFromText(text, '/');
      if (command?.command === 'call') return showForm(ctx, await options.forms.open(TEAMS_CHANNEL, address, event({ type: 'open' }).eventId), 'submit');
      const input: Input = command ? { type: 'command', ...command } : text ? { type: 'text', text: text.slice(0, 4000) } : { type: 'open' };
      await ctx.sendActivity(renderTurn(renderer, await engine.handle(event(input))));
      return undefined;
    }

    if (activity.type === 'invoke' && activity.name === 'adaptiveCard/action') {
      const value = invokeValue.safeParse(activity.value);
      const data = value.success ? cardData.safeParse(value.data.action.data) : null;
      if (!data?.success) return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: renderer.render(localeOf(activity), { key: 'teams:unreadable' }) };
      return act(ctx, data.data, event, 'execute');
    }

    // The bot was added to a personal chat: greet, i.e. show where the person stands.
    if (activity.type === 'conversationUpdate' && activity.conversation?.conversationType === 'personal' && activity.membersAdded?.some((m) => m.id === activity.recipient?.id)) {
      await ctx.sendActivity(renderTurn(renderer, await engine.handle(event({ type: 'open' }))));
    }
    return undefined;
  }

  async function act(ctx: TurnContext, data: CardAction, event: (input: Input) => IncomingEvent, mode: 'submit' | 'execute'): Promise<InvokeBody | undefined> {
    const address = ctx.activity.from!.id;
    if (data.hr === 'call-form') {
      const { hr: _hr, formId, ...values } = data;
      return showForm(ctx, await options.forms.submit(TEAMS_CHANNEL, address, event({ type: 'open' }).eventId, formId, values as CallFormValues), mode);
    }
    const typed = data.hr === 'answer' ? data.hrText?.trim() : undefined;
    const input: Input =
      data.hr === 'choice'
        ? { type: 'choice', token: data.token, values: [data.value] }
        : typed
          ? { type: 'text', text: typed, token: data.token }
          : { type: 'choice', token: data.token, values: (data.hrValues ?? '').split(',').filter(Boolean) };
    const result = await engine.handle(event(input));
    // An answer to a card outside the conversation (a call, its status card) is answered with its
    // texts alone: the conversation's own question is in an earlier card already.
    const outside = data.token.startsWith(CALL_MANAGE_TOKEN) || data.token.startsWith(CALL_TOKEN_PREFIX);
    await ctx.sendActivity(renderTurn(renderer, outside ? { locale: result.locale, messages: result.messages } : result));
    if (mode === 'submit') return undefined;
    if (data.token.startsWith(CALL_MANAGE_TOKEN)) {
      // The status card that was pressed is replaced by its fresh state in the same round trip.
      const status = await options.callStatus(data.token.slice(CALL_MANAGE_TOKEN.length), result.locale);
      if (status) return cardBody(renderTurn(renderer, status, { card: true }));
    }
    return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: renderer.render(result.locale, result.messages[0] ?? { key: 'teams:done' }) };
  }

  /** The form (again, with problems), a refusal, or the posted call's status card in the form's place. */
  async function showForm(ctx: TurnContext, outcome: CallFormOutcome, mode: 'submit' | 'execute'): Promise<InvokeBody | undefined> {
    const activity = ctx.activity;
    const pressed = activity.value !== undefined || activity.type === 'invoke' ? activity.replyToId : undefined;
    switch (outcome.kind) {
      case 'refused': {
        const reply = textActivity(outcome.locale, outcome.message);
        await ctx.sendActivity(reply);
        return mode === 'execute' ? { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: reply.text! } : undefined;
      }
      case 'form': {
        const form = renderCallForm(renderer, outcome.form);
        if (mode === 'execute') return cardBody(form);
        if (pressed) await ctx.updateActivity({ ...form, id: pressed });
        else await ctx.sendActivity(form);
        return undefined;
      }
      case 'posted': {
        await ctx.sendActivity(textActivity(outcome.locale, outcome.message));
        const status = renderTurn(renderer, outcome.status);
        let activityId = pressed;
        if (activityId && mode === 'submit') await ctx.updateActivity({ ...status, id: activityId });
        else if (!activityId) activityId = (await ctx.sendActivity(status))?.id;
        if (activityId) await store.recordSent(randomUUID(), activity.from!.id, referenceOf(activity), activityId, `${CALL_STATUS_SUBJECT}${outcome.call.id}`);
        return mode === 'execute' && pressed ? cardBody(status) : undefined;
      }
    }
  }

  router.post('/api/messages', express.json({ limit: '256kb' }), async (req, res, next) => {
    // The adapter would say 401 too, but print a stack trace for every scanner that knocks.
    if (options.authenticated && !req.get('authorization')) return void res.status(401).json({ error: { code: 'UNAUTHENTICATED' } });
    try {
      await adapter.process(req, res, turn);
    } catch (error) {
      next(error);
    }
  });

  // Anything that is not even an activity (unparsable JSON) never reaches the adapter.
  router.use('/api/messages', (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if ((error as { type?: string }).type === 'entity.parse.failed') return res.status(400).json({ error: { code: 'INVALID_INPUT' } });
    log.error({ err: { name: (error as Error).name, message: (error as Error).message } }, 'unexpected error at /api/messages');
    return res.status(500).json({ error: { code: 'UNEXPECTED' } });
  });

  return router;
}

function cardBody(activity: OutgoingActivity): InvokeBody {
  return { statusCode: 200, type: ADAPTIVE_CARD, value: activity.attachments?.[0]?.content ?? {} };
}

/** The ids needed to reach this conversation again; names are left out on purpose (privacy). */
export function referenceOf(activity: Partial<Activity>): TeamsReference {
  const conversation = activity.conversation!;
  return {
    channelId: activity.channelId ?? 'msteams',
    serviceUrl: activity.serviceUrl!,
    conversation: {
      id: conversation.id,
      ...(conversation.conversationType ? { conversationType: conversation.conversationType } : {}),
      ...(conversation.tenantId ? { tenantId: conversation.tenantId } : {}),
      ...(conversation.isGroup !== undefined ? { isGroup: conversation.isGroup } : {}),
    },
    bot: { id: activity.recipient!.id },
    ...(activity.from?.id ? { user: { id: activity.from.id } } : {}),
  };
}
