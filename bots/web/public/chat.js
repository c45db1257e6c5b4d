// The web chat page: renders what the server says, sends what the person does.
// Everything the person reads comes translated from the server; this file holds no sentences.

const $ = (id) => document.getElementById(id);
const log = $('log');
const form = $('answer');
const text = $('text');
const region = new URLSearchParams(location.search).get('region') || undefined;

let view = { ui: {}, prompt: null, locale: null };
let busy = false;
/** A request that failed on the way; it is sent again with the same id, so it is never applied twice. */
let pending = null;

function eventId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function bubble(content, who, lang, dir) {
  const li = document.createElement('li');
  li.className = who;
  li.textContent = content;
  if (lang) li.lang = lang;
  li.dir = dir || 'auto';
  log.append(li);
  li.scrollIntoView({ block: 'nearest' });
  return li;
}

function setStatus(message, isError) {
  const status = $('status');
  status.textContent = message || '';
  status.classList.toggle('error', Boolean(isError));
}

function applyUi(data) {
  if (data.locale) {
    document.documentElement.lang = data.locale;
    document.documentElement.dir = data.dir || 'ltr';
    view.locale = data.locale;
  }
  const ui = data.ui || {};
  view.ui = ui;
  if (ui.title) document.title = ui.title;
  $('title').textContent = ui.title || 'Helferruf';
  $('skip-link').textContent = ui.skipToAnswer || '';
  $('send').textContent = ui.send || '';
  $('done').textContent = ui.done || '';
  $('locate').textContent = ui.shareLocation || '';
  $('text-label').textContent = ui.answerLabel || '';
  $('photo-label').textContent = ui['photo.attach'] || '';
}

function show(data) {
  applyUi(data);
  for (const m of data.messages || []) bubble(m.text, 'bot', data.locale, data.dir);
  if (data.attachment) {
    const li = bubble('', 'bot', data.locale, data.dir);
    const a = document.createElement('a');
    a.className = 'download';
    a.href = URL.createObjectURL(new Blob([data.attachment.content], { type: data.attachment.mediaType }));
    a.download = data.attachment.filename;
    a.textContent = `${view.ui.download || ''} ${data.attachment.filename}`.trim();
    li.append(a);
  }
  view.prompt = data.prompt || null;
  renderPrompt(data);
}

function renderPrompt(data) {
  const prompt = view.prompt;
  const choices = $('choices');
  choices.replaceChildren();
  $('question').textContent = prompt ? prompt.text : '';
  $('question').dir = 'auto';
  if (prompt && data.image) {
    // The photo that belongs to the question (an item under review, a published item), loaded with the session cookie.
    const li = bubble('', 'bot', data.locale, data.dir);
    const img = document.createElement('img');
    img.className = 'photo';
    img.src = data.image.url;
    img.alt = data.image.alt;
    li.append(img);
  }
  if (prompt) bubble(prompt.text, 'bot', data.locale, data.dir);
  $('photo-row').hidden = !(prompt && prompt.acceptsImage);
  if (!prompt) return;
  for (const choice of prompt.choices) {
    if (prompt.multiple) {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = choice.value;
      box.checked = choice.selected;
      const span = document.createElement('span');
      span.textContent = choice.label;
      if (choice.lang) span.lang = choice.lang;
      label.append(box, span);
      choices.append(label);
    } else {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = choice.label;
      button.dataset.value = choice.value;
      if (choice.lang) {
        button.lang = choice.lang;
        button.dir = choice.dir || 'auto';
      }
      if (choice.selected) button.setAttribute('aria-pressed', 'true');
      button.addEventListener('click', () => answer({ type: 'choice', token: prompt.token, values: [choice.value] }, choice.label));
      choices.append(button);
    }
  }
  choices.hidden = prompt.choices.length === 0;
  $('done').hidden = !prompt.multiple;
  $('locate').hidden = !(prompt.acceptsLocation && 'geolocation' in navigator);
  $('text-row').hidden = !prompt.input;
  if (prompt.input) {
    text.type = { email: 'email', tel: 'tel' }[prompt.input] || 'text';
    text.inputMode = { email: 'email', tel: 'tel', number: 'numeric' }[prompt.input] || 'text';
    text.autocomplete = { email: 'email', tel: 'tel' }[prompt.input] || 'off';
  }
  const first = prompt.input && prompt.choices.length === 0 ? text : choices.querySelector('button, input') || text;
  first.focus();
}

async function send(method, path, body) {
  busy = true;
  form.setAttribute('aria-busy', 'true');
  setStatus(view.ui.working);
  try {
    const response = await fetch(path, {
      method,
      headers: { 'Content-Type': 'application/json', 'X-Locale': view.locale || navigator.language || '' },
      body: body ? JSON.stringify(body) : undefined,
      credentials: 'same-origin',
    });
    const data = await response.json();
    if (!response.ok) {
      applyUi(data);
      // Nothing was applied: keep what the person typed, and let them send it again.
      if (response.status >= 500) pending = body;
      setStatus(data.error ? data.error.message : '', true);
      return null;
    }
    pending = null;
    setStatus('');
    return data;
  } catch {
    pending = body;
    setStatus(view.ui.retry || 'Connection lost. Please try again.', true);
    return null;
  } finally {
    busy = false;
    form.removeAttribute('aria-busy');
  }
}

async function answer(input, echo) {
  if (busy) return;
  const body = pending && JSON.stringify(pending.input) === JSON.stringify(input) ? pending : { eventId: eventId(), input, region };
  const data = await send('POST', '/api/web/events', body);
  if (!data) return;
  if (echo) bubble(echo, 'me', undefined, 'auto');
  if (input.type === 'text') text.value = '';
  show(data);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const value = text.value.trim();
  if (!value || !view.prompt) return;
  const input = value.startsWith('/') ? { type: 'text', text: value } : { type: 'text', text: value, token: view.prompt.token };
  answer(input, value);
});

$('photo').addEventListener('change', async () => {
  const file = $('photo').files[0];
  $('photo').value = '';
  if (!file || !view.prompt || busy) return;
  busy = true;
  setStatus(view.ui['photo.uploading']);
  try {
    // The bytes are the body; the server checks size and type and answers in the conversation.
    const response = await fetch('/api/web/photos', {
      method: 'POST',
      headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-Event-Id': eventId(), 'X-Token': view.prompt.token, 'X-Locale': view.locale || '' },
      body: file,
      credentials: 'same-origin',
    });
    const data = await response.json();
    if (!response.ok) {
      applyUi(data);
      setStatus(data.error ? data.error.message : '', true);
      return;
    }
    setStatus('');
    bubble(`📷 ${file.name}`, 'me', undefined, 'auto');
    show(data);
  } catch {
    setStatus(view.ui.retry || 'Connection lost. Please try again.', true);
  } finally {
    busy = false;
  }
});

$('done').addEventListener('click', () => {
  if (!view.prompt) return;
  const boxes = [...$('choices').querySelectorAll('input[type=checkbox]')];
  const picked = boxes.filter((b) => b.checked);
  const echo = picked.map((b) => b.nextElementSibling.textContent).join(', ');
  answer({ type: 'choice', token: view.prompt.token, values: picked.map((b) => b.value) }, echo);
});

$('locate').addEventListener('click', () => {
  if (!view.prompt) return;
  const token = view.prompt.token;
  navigator.geolocation.getCurrentPosition(
    (pos) => answer({ type: 'location', lat: pos.coords.latitude, lon: pos.coords.longitude, token }, '📍'),
    () => setStatus(view.ui.locationUnavailable, true),
    { timeout: 15000 },
  );
});

// Messages the service sends on its own (e.g. a helper call): fetched every few seconds while the page is
// visible. An edited message (e.g. "filled") replaces its bubble. The server repeats a little of the past
// on each fetch, so nothing committed late is missed; what was shown already is skipped here.
const shown = new Map();
let inboxCursor = null;

/** A message the service sent on its own; its question (e.g. a helper call) answered right in it. */
function renderSent(li, sent) {
  li.replaceChildren();
  const texts = [...sent.messages.map((m) => m.text), sent.prompt ? sent.prompt.text : ''].filter(Boolean);
  li.append(document.createTextNode(texts.join('\n')));
  if (!sent.prompt || sent.prompt.choices.length === 0) return;
  const actions = document.createElement('div');
  actions.className = 'sent-actions';
  for (const choice of sent.prompt.choices) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = choice.label;
    button.addEventListener('click', () => answer({ type: 'choice', token: sent.prompt.token, values: [choice.value] }, choice.label));
    actions.append(button);
  }
  li.append(actions);
}

async function fetchInbox() {
  if (document.hidden) return;
  try {
    const query = inboxCursor ? `?since=${encodeURIComponent(inboxCursor)}` : '';
    const response = await fetch(`/api/web/inbox${query}`, { credentials: 'same-origin', headers: { 'X-Locale': view.locale || '' } });
    if (!response.ok) return;
    const data = await response.json();
    for (const message of data.messages) {
      if (!inboxCursor || message.updatedAt > inboxCursor) inboxCursor = message.updatedAt;
      if (shown.get(message.id) === message.updatedAt) continue;
      shown.set(message.id, message.updatedAt);
      const existing = [...log.children].find((li) => li.dataset.messageId === message.id);
      const li = existing || bubble('', 'bot', message.view.locale, message.view.dir);
      li.dataset.messageId = message.id;
      renderSent(li, message.view);
    }
  } catch {
    // Offline for a moment: the next fetch catches up.
  }
}

(async () => {
  const query = region ? `?region=${encodeURIComponent(region)}` : '';
  const data = await send('GET', `/api/web/turn${query}`);
  if (data) show(data);
  await fetchInbox();
  setInterval(fetchInbox, 4000);
  document.addEventListener('visibilitychange', fetchInbox);
})();
