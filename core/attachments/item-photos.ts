import { msg, type Msg } from '../messages.js';
import type { FlowContext } from '../conversation/flow.js';
import type { ImageRef } from '../conversation/types.js';
import type { Person } from '../people/person.js';
import { actorOf } from '../roles/access.js';
import { authorize } from '../roles/authorization.js';
import type { Repositories } from '../store.js';
import type { CleanImage } from './received.js';
import type { AttachmentInfo } from './ports.js';
import { DEFAULT_MAX_ATTACHMENT_BYTES, megabytes } from './settings.js';

/** Whether the person's current channel can send and show photos; flows ask for one only there. */
export function photosHere(ctx: FlowContext): boolean {
  return ctx.services.attachments?.imagesOn(ctx.event.channel) ?? false;
}

/** The question that offers to add a photo, with its limit and what happens to it. */
export function photoQuestionParams(ctx: FlowContext): { max: number } {
  return { max: megabytes(ctx.services.attachments?.maxBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES) };
}

/** Keeps a photo of a draft until the item is sent; returns its id for the draft. */
export async function keepDraftPhoto(ctx: FlowContext, image: CleanImage): Promise<string> {
  const id = ctx.services.newId();
  await ctx.repos.attachments.putDraft({ id, ownerId: ctx.person!.id, mediaType: image.mediaType, size: image.size, sha256: image.sha256, bytes: image.bytes }, ctx.services.now());
  return id;
}

export function imageRef(info: AttachmentInfo, caption: Msg): ImageRef {
  return { id: info.id, mediaType: info.mediaType, size: info.size, caption };
}

/** The photo of one version of an item, as shown with a question. */
export async function versionPhoto(repos: Repositories, submissionId: string, version: number, title: string): Promise<ImageRef | undefined> {
  const info = await repos.attachments.forVersion(submissionId, version);
  return info ? imageRef(info, msg('attachments:caption', { title })) : undefined;
}

/** The photo of an item's published version, if it is published and has one. */
export async function publishedPhoto(repos: Repositories, submissionId: string, title: string): Promise<ImageRef | undefined> {
  const item = await repos.submissions.findById(submissionId);
  if (!item || item.status !== 'published') return undefined;
  return versionPhoto(repos, submissionId, item.version, title);
}

/**
 * Who may see a stored photo: anyone registered once its version is
 * published; before that its author and the region's moderators; a draft
 * photo only its owner.
 */
export async function mayViewPhoto(repos: Repositories, viewer: Person | null, info: AttachmentInfo): Promise<boolean> {
  if (!viewer) return false;
  if (info.ownerId === viewer.id) return true;
  if (!info.submissionId) return false;
  const item = await repos.submissions.findById(info.submissionId);
  if (!item) return false;
  if (item.status === 'published' && item.version === info.version) return true;
  return authorize(await actorOf(repos, viewer), 'item.review', { regionId: item.regionId });
}

/**
 * A stored photo for the person behind a channel address, if they may see it
 * (see {@link mayViewPhoto}); null otherwise, as for a photo that does not exist.
 */
export async function photoForViewer(repos: Repositories, channel: string, address: string, id: string): Promise<{ bytes: Uint8Array; mediaType: string } | null> {
  const info = await repos.attachments.find(id);
  if (!info) return null;
  const viewer = await repos.people.findByIdentity(channel, address);
  if (!(await mayViewPhoto(repos, viewer, info))) return null;
  const bytes = await repos.attachments.bytes(id);
  return bytes ? { bytes, mediaType: info.mediaType } : null;
}
