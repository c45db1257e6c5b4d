import type { FlowContext, Transition } from './flow.js';

/** A command a person can type in any state (`/profile`, `!profile`, a Teams command). */
export type Command = (ctx: FlowContext) => Promise<Transition> | Transition;

/** Commands by lower-case name, without the channel's prefix. */
export type CommandTable = Record<string, Command>;

/**
 * Reads a command typed as text (`/profile`, `!profile`, `/start@HelferrufBot payload`),
 * or returns null when the text is not a command.
 */
export function commandFromText(text: string, prefix: string): { command: string; args?: string } | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith(prefix)) return null;
  const match = /^([a-z][a-z0-9_]{0,31})(?:@\S+)?(?:\s+([\s\S]*))?$/i.exec(trimmed.slice(prefix.length));
  if (!match) return null;
  return match[2] ? { command: match[1]!.toLowerCase(), args: match[2] } : { command: match[1]!.toLowerCase() };
}
