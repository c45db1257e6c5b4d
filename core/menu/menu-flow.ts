import { msg } from '../messages.js';
import type { Flow } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import type { CommandTable } from '../conversation/commands.js';

export const MENU = 'menu';

/** What a registered person can do; each entry is also a command. */
export const MENU_ENTRIES = ['profile', 'language', 'help', 'delete'] as const;

/** The resting state of a registered person's conversation. */
export function menuFlow(commands: () => CommandTable): Flow {
  return {
    id: MENU,
    forRegistered: true,
    ask: (ctx) => ({
      text: msg('menu:prompt'),
      // A person who only reads information has no volunteer profile; their information comes first.
      choices:
        ctx.person?.kind === 'refugee'
          ? [{ value: 'info', label: msg('information:menuEntry') }, ...MENU_ENTRIES.filter((e) => e !== 'profile').map((entry) => ({ value: entry, label: msg(`menu:entry.${entry}`) }))]
          : MENU_ENTRIES.map((entry) => ({ value: entry, label: msg(`menu:entry.${entry}`) })),
    }),
    answer: async (ctx, answer) => {
      if (answer.type !== 'choice') return stay(ctx, msg('conversation:notUnderstood'));
      const command = commands()[answer.values[0] ?? ''];
      return command ? command(ctx) : stay(ctx, msg('conversation:pickOne'));
    },
  };
}
