import { describe, expect, it } from 'vitest';
import { parseGeoUri, parseRoomEvent, stripReplyFallback } from './matrix-input.js';
import { matrixCommands, reactionAnswers, renderTurn } from './matrix-render.js';

const renderer = { render: (_locale: string, m: { key: string }) => ({ 'q': 'Kannst du helfen?', 'a': 'Annehmen', 'd': 'Ablehnen', 'h': 'Befehle: /profile, /pause 14 und km/h' })[m.key] ?? m.key };

describe('reading Matrix events', () => {
  it('reads text, commands with ! (and /), locations, reactions, replies and edits', () => {
    expect(parseRoomEvent({ type: 'm.room.message', content: { msgtype: 'm.text', body: 'Anna' } })).toEqual({ kind: 'input', input: { type: 'text', text: 'Anna' } });
    expect(parseRoomEvent({ type: 'm.room.message', content: { msgtype: 'm.text', body: '!pause 14' } })).toEqual({ kind: 'input', input: { type: 'command', command: 'pause', args: '14' } });
    expect(parseRoomEvent({ type: 'm.room.message', content: { msgtype: 'm.text', body: '/Profile' } })).toEqual({ kind: 'input', input: { type: 'command', command: 'profile' } });
    expect(parseRoomEvent({ type: 'm.room.message', content: { msgtype: 'm.location', body: 'here', geo_uri: 'geo:51.54,9.93;u=20' } })).toEqual({ kind: 'input', input: { type: 'location', lat: 51.54, lon: 9.93 } });
    expect(parseRoomEvent({ type: 'm.reaction', content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$q', key: '✅' } } })).toEqual({ kind: 'reaction', target: '$q', key: '✅' });
    expect(parseRoomEvent({ type: 'm.room.message', content: { msgtype: 'm.text', body: '> <@bot:x> Kannst du helfen?\n\nja', 'm.relates_to': { 'm.in_reply_to': { event_id: '$q' } } } })).toEqual({
      kind: 'input',
      input: { type: 'text', text: 'ja' },
      replyTo: '$q',
    });
    expect(parseRoomEvent({ type: 'm.room.message', content: { msgtype: 'm.text', body: '* Berta', 'm.new_content': { msgtype: 'm.text', body: 'Berta' }, 'm.relates_to': { rel_type: 'm.replace', event_id: '$a' } } })).toEqual({
      kind: 'input',
      input: { type: 'text', text: 'Berta' },
    });
  });

  it('reads an image or a file in the media repository, with what its client says of it', () => {
    expect(parseRoomEvent({ type: 'm.room.message', content: { msgtype: 'm.image', body: 'photo.jpg', url: 'mxc://example.org/abc', info: { mimetype: 'image/jpeg', size: 1234, w: 8 } } })).toEqual({
      kind: 'file',
      url: 'mxc://example.org/abc',
      size: 1234,
      mediaType: 'image/jpeg',
    });
    expect(parseRoomEvent({ type: 'm.room.message', content: { msgtype: 'm.file', body: 'scan.png', url: 'mxc://example.org/def' } })).toEqual({ kind: 'file', url: 'mxc://example.org/def' });
  });

  it('recognises what it cannot read, and ignores what nobody said', () => {
    expect(parseRoomEvent({ type: 'm.room.encrypted', content: { algorithm: 'm.megolm.v1.aes-sha2' } })).toEqual({ kind: 'encrypted' });
    // An image without a media-repository URL (encrypted media comes as `file`) cannot be fetched.
    expect(parseRoomEvent({ type: 'm.room.message', content: { msgtype: 'm.image', body: 'x.jpg' } })).toEqual({ kind: 'unsupported' });
    expect(parseRoomEvent({ type: 'm.room.message', content: { msgtype: 'm.image', body: 'x.jpg', url: 'https://example.org/x.jpg' } })).toEqual({ kind: 'unsupported' });
    expect(parseRoomEvent({ type: 'm.room.message', content: { msgtype: 'm.audio', body: 'voice.ogg', url: 'mxc://example.org/v' } })).toEqual({ kind: 'unsupported' });
    expect(parseRoomEvent({ type: 'm.room.message', content: { body: 42 } })).toEqual({ kind: 'unsupported' });
    expect(parseRoomEvent({ type: 'm.room.topic', content: { topic: 'x' } })).toEqual({ kind: 'none' });
    expect(parseRoomEvent({ type: 'm.reaction', content: { 'm.relates_to': { rel_type: 'm.reference', event_id: '$q' } } })).toEqual({ kind: 'none' });
  });

  it('gives an unreadable geo URI as NaN, so the core says the location could not be read', () => {
    expect(parseGeoUri('geo:-33.9,151.2,20;crs=wgs84')).toEqual({ lat: -33.9, lon: 151.2 });
    expect(Number.isNaN(parseGeoUri('somewhere').lat)).toBe(true);
    expect(stripReplyFallback('no quote')).toBe('no quote');
  });
});

describe('rendering a turn for Matrix', () => {
  it('sends one notice with HTML and plain text, the options numbered, and the question in the event', () => {
    const content = renderTurn(renderer, {
      locale: 'de',
      messages: [{ key: 'h' }],
      prompt: { token: 'call:1', text: { key: 'q' }, choices: [{ value: 'accept', label: { key: 'a' } }, { value: 'decline', label: { key: 'd' } }] },
    });
    expect(content.msgtype).toBe('m.notice');
    expect(content.body).toBe('Befehle: !profile, !pause 14 und km/h\n\nKannst du helfen?\n\n1. Annehmen\n2. Ablehnen\n\nmatrix:hint.yesNo');
    expect(content.formatted_body).toBe('<p>Befehle: !profile, !pause 14 und km/h</p><p><strong>Kannst du helfen?</strong></p><ol><li>Annehmen</li><li>Ablehnen</li></ol><p><em>matrix:hint.yesNo</em></p>');
    expect(content['org.helferruf.prompt']).toEqual({ token: 'call:1', reactions: { '1️⃣': 'accept', '2️⃣': 'decline', '✅': 'accept', '❌': 'decline' } });
  });

  it('escapes what people wrote in the HTML body', () => {
    const content = renderTurn({ render: () => '<b>Tom & "Jerry"</b>' }, { locale: 'de', messages: [{ key: 'x' }] });
    expect(content.formatted_body).toBe('<p>&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;</p>');
    expect(content['org.helferruf.prompt']).toBeUndefined();
  });

  it('offers no reactions where several options may be chosen', () => {
    expect(reactionAnswers({ text: { key: 'q' }, multiple: true, choices: [{ value: 'a', label: { text: 'A' } }] })).toEqual({});
    expect(matrixCommands('/start')).toBe('!start');
  });
});
