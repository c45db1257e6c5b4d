import { randomBytes } from 'node:crypto';

export interface ChoiceView {
  value: string;
  label: string;
  lang?: string;
  dir?: string;
  selected: boolean;
}

export interface ChatView {
  locale: string;
  dir: 'ltr' | 'rtl';
  ui: Record<string, string>;
  messages: { text: string }[];
  prompt: { token: string; text: string; choices: ChoiceView[]; multiple: boolean; input: string | null; acceptsLocation: boolean; acceptsImage?: boolean } | null;
  attachment: { filename: string; mediaType: string; content: string } | null;
  /** The photo shown with the question: the page loads it from `url` with the session cookie. */
  image?: { url: string; alt: string; mediaType: string } | null;
  error?: { code: string; message: string };
}

/**
 * A person in the web chat, speaking the page's HTTP API exactly as the page
 * does (cookie, JSON events with ids and question tokens).
 */
export class WebChatClient {
  cookie: string | undefined;
  view!: ChatView;
  status = 0;

  constructor(
    public baseUrl: string,
    private readonly acceptLanguage = 'de-DE,de;q=0.9',
  ) {}

  private headers(): Record<string, string> {
    return {
      'content-type': 'application/json',
      'accept-language': this.acceptLanguage,
      ...(this.view?.locale ? { 'x-locale': this.view.locale } : {}),
      ...(this.cookie ? { cookie: this.cookie } : {}),
    };
  }

  private async take(response: Response): Promise<ChatView> {
    const set = response.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    this.status = response.status;
    const body = (await response.json()) as ChatView;
    if (response.ok) this.view = body;
    return body;
  }

  async open(query = ''): Promise<ChatView> {
    return this.take(await fetch(`${this.baseUrl}/api/web/turn${query}`, { headers: this.headers() }));
  }

  /** Sends a raw event; returns the response body (a view, or an error). */
  async send(input: object, eventId = randomBytes(12).toString('hex')): Promise<ChatView> {
    return this.take(await fetch(`${this.baseUrl}/api/web/events`, { method: 'POST', headers: this.headers(), body: JSON.stringify({ eventId, input }) }));
  }

  /** Types an answer to the current question. */
  say(text: string): Promise<ChatView> {
    return this.send({ type: 'text', text, token: this.view.prompt?.token });
  }

  /** Presses the button with this value on the current question. */
  tap(value: string): Promise<ChatView> {
    const prompt = this.view.prompt;
    if (!prompt?.choices.some((c) => c.value === value)) throw new Error(`No choice "${value}" in: ${prompt?.text}`);
    return this.send({ type: 'choice', token: prompt.token, values: [value] });
  }

  /** Ticks these values of a multiple choice and presses Done. */
  pick(values: string[]): Promise<ChatView> {
    return this.send({ type: 'choice', token: this.view.prompt?.token, values });
  }

  shareLocation(lat: number, lon: number): Promise<ChatView> {
    return this.send({ type: 'location', lat, lon, token: this.view.prompt?.token });
  }

  /** Sends a photo as the page's upload control does: the bytes as the body, token and event id in headers. */
  async sendPhoto(bytes: Uint8Array, mediaType: string, token = this.view.prompt?.token ?? '', eventId = randomBytes(12).toString('hex')): Promise<ChatView> {
    const headers = { ...this.headers(), 'content-type': mediaType, 'x-event-id': eventId, 'x-token': token };
    return this.take(await fetch(`${this.baseUrl}/api/web/photos`, { method: 'POST', headers, body: bytes }));
  }

  /** Opens a photo's address as the page's <img> does (with the session cookie). */
  async fetchPhoto(url: string): Promise<{ status: number; type: string | null; bytes: Buffer }> {
    const response = await fetch(`${this.baseUrl}${url}`, { headers: this.cookie ? { cookie: this.cookie } : {} });
    return { status: response.status, type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
  }

  get question(): string {
    return this.view.prompt?.text ?? '';
  }

  get said(): string {
    return this.view.messages.map((m) => m.text).join('\n');
  }
}
