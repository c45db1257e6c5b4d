/**
 * The shared core: domain, flows and ports. It knows no messenger, no web
 * framework and no ORM; adapters in `bots/` and repositories in `prisma/`
 * plug into the ports declared here.
 */
export * from './messages.js';
export * from './errors.js';
export type * from './store.js';
export type { Person, Profile, ChannelAddress } from './people/person.js';
export { DEFAULT_ACTIVITIES, type Region, type Activity } from './regions/region.js';
export type { IncomingEvent, Input, Prompt, Choice, InputKind, TurnResult, Attachment, ReceivedFile, ImageRef } from './conversation/types.js';
export type { ConversationState } from './conversation/state.js';
export type { ConversationServices, LocaleInfo, PlaceLookup, Flow, FlowContext, Transition } from './conversation/flow.js';
export { ConversationEngine, type AnswerHandler } from './conversation/engine.js';
export { commandFromText, type CommandTable, type Command } from './conversation/commands.js';
export { pickLocale } from './conversation/locale.js';
export { createConversationEngine } from './assistant.js';
export { renderMessage, isRightToLeft, isolate, type Translate } from './i18n/render.js';
export * from './geo/index.js';
export * from './validation/index.js';
export { ensureDefaultRegion } from './regions/default-region.js';
export { AdminService, ROLES, apiKeyHash } from './admin/admin-service.js';
export { housekeeping, DRAFT_RETENTION_DAYS, EVENT_RETENTION_DAYS } from './conversation/housekeeping.js';
export { DeliveryError, type ChannelCapabilities, type DeliveryFailure, type MessageRef, type MessengerPort, type SendOptions } from './messaging/messenger.js';
export type { JobSpec, ClaimedJob, JobRepository, JobQueue, RateSlots } from './jobs/job-queue.js';
export type { Leases } from './jobs/lease.js';
export { processSlots } from './jobs/process-slots.js';
export type { CandidateQuery, Candidate, CandidateFinder } from './calls/candidates.js';
export { tallyResponses, type HelperCall, type NewCall, type CallResponse, type ResponseStatus, type ResponseTally, type AcceptOutcome, type AcceptRequest, type AcceptJob, type CallRepository } from './calls/call.js';
export { JobWorker, RetryLater, exponentialBackoff, type JobWorkerOptions, type JobHandler, type WorkerLog } from './jobs/worker.js';
export { CallAnswers, CALL_TOKEN_PREFIX } from './calls/call-answers.js';
export { CallPosting, CallValidationError, resolvePlace, type CallInput, type Problem } from './calls/post-call.js';
export { CallDispatcher, DEFAULT_DISPATCH, type DispatchSettings, type WaveResult } from './calls/dispatch.js';
export { callJobHandlers } from './calls/call-jobs.js';
export { callNotification, filledNotice } from './calls/notification.js';
export { afterQuietHours, type QuietHours } from './calls/quiet-hours.js';
export { CallCoordination, type CallStatusReport } from './calls/coordination.js';
export * from './roles/index.js';
export * from './moderation/index.js';
export * from './information/index.js';
export * from './board/index.js';
export * from './attachments/index.js';
export { personSender, sendWindow, SendWindow, SLOT_MARGIN, LATE_TOLERANCE_MS, WINDOW_GUARD_MS, type SendToPerson, type OutboxDeps } from './messaging/outbox.js';
export { CallForms, CALL_FORM_FIELDS, type CallForm, type CallFormField, type CallFormFieldKind, type CallFormFieldName, type CallFormValues, type CallFormOutcome } from './calls/call-form.js';
export { CallManagement, mayCoordinate } from './calls/call-management.js';
export { extendDeadline, addPlaces } from './calls/call-adjustments.js';
export { callStatusView, currentCallStatus, callStatusJobHandler, requestStatusUpdate, statusUpdateJob, statusActions, CALL_STATUS_SUBJECT, CALL_MANAGE_TOKEN, CALL_STATUS_DEBOUNCE_MS } from './calls/call-status.js';
