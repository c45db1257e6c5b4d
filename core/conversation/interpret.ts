import { msg, type Msg } from '../messages.js';
import type { Answer } from './flow.js';
import type { Input, Prompt } from './types.js';
import { cleanImage } from '../attachments/received.js';

type Render = (message: Msg) => string;

/**
 * Turns what a person sent into an answer to the current question, so every
 * channel can answer a choice by button, by number ("2", "1, 3") or by typing
 * the label. Returns a message explaining the problem when it does not fit.
 */
export function interpretInput(input: Exclude<Input, { type: 'open' } | { type: 'command' }>, prompt: Omit<Prompt, 'token'>, render: Render, maxFileBytes?: number): Answer | Msg {
  switch (input.type) {
    case 'choice': {
      const allowed = new Set((prompt.choices ?? []).map((c) => c.value));
      if (input.values.length === 0 && !prompt.multiple) return msg('conversation:pickOne');
      if (!input.values.every((v) => allowed.has(v))) return msg('conversation:pickOne');
      if (!prompt.multiple && input.values.length > 1) return msg('conversation:pickOne');
      return { type: 'choice', values: input.values };
    }
    case 'location':
      if (!prompt.acceptsLocation) return msg('conversation:locationNotExpected');
      if (!Number.isFinite(input.lat) || !Number.isFinite(input.lon) || Math.abs(input.lat) > 90 || Math.abs(input.lon) > 180)
        return msg('conversation:locationInvalid');
      return { type: 'location', lat: input.lat, lon: input.lon };
    case 'contact':
      if (prompt.acceptsContact || prompt.input === 'tel') return { type: 'contact', phone: input.phone };
      return msg('conversation:contactNotExpected');
    case 'file': {
      if (!prompt.acceptsImage) return msg('attachments:notExpected');
      const image = cleanImage(input.file, maxFileBytes);
      return 'key' in image ? image : { type: 'image', image };
    }
    case 'text': {
      const text = input.text.trim();
      if (text.length === 0) return msg('conversation:emptyAnswer');
      if (text.length > 2000) return msg('conversation:tooLong', { max: 2000 });
      const chosen = prompt.choices?.length ? matchChoices(text, prompt, render) : null;
      if (chosen) return { type: 'choice', values: chosen };
      if (prompt.input) return { type: 'text', text };
      return msg('conversation:pickOne');
    }
  }
}

function matchChoices(text: string, prompt: Omit<Prompt, 'token'>, render: Render): string[] | null {
  const choices = prompt.choices ?? [];
  const label = (i: number) => {
    const l = choices[i]!.label;
    return ('key' in l ? render(l) : l.text).trim().toLocaleLowerCase();
  };
  const parts = prompt.multiple ? text.split(/[,;\s]+/).filter(Boolean) : [text];
  // Where the question asks for a number, a typed number is the value itself, not a position in the list.
  const numbersArePositions = prompt.input !== 'number';
  const values: string[] = [];
  for (const part of parts) {
    const lower = part.toLocaleLowerCase();
    let index = -1;
    if (numbersArePositions && /^\d{1,2}$/.test(part)) {
      const n = Number(part);
      if (n >= 1 && n <= choices.length) index = n - 1;
    }
    if (index < 0) index = choices.findIndex((_, i) => label(i) === lower);
    if (index < 0) {
      // A whole typed label (with spaces) in a multiple choice.
      if (prompt.multiple) {
        const whole = choices.findIndex((_, i) => label(i) === text.toLocaleLowerCase());
        return whole >= 0 ? [choices[whole]!.value] : null;
      }
      return null;
    }
    const value = choices[index]!.value;
    if (!values.includes(value)) values.push(value);
  }
  return values.length ? values : null;
}
