import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

// A real OpenAI-compatible server (POST /v1/chat/completions, SSE) for tests, benches and local
// demos: the only fake in the system, so the real LangChain provider code runs over real HTTP.

/** What the next answer does. Every field is optional; the default streams a short greeting. */
export interface Script {
  /** Tokens to stream (a string is split into words, keeping their trailing spaces). */
  text?: string | string[];
  /** Delay before each token, ms (0 = as fast as possible). */
  paceMs?: number;
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** Streamed tool calls: name + arguments object, sent as split JSON deltas. */
  toolCalls?: { id?: string; name: string; args: Record<string, unknown> }[];
  /** Answer with this HTTP status and an OpenAI-style error body instead of a stream. */
  status?: number;
  /** Seconds, sent as Retry-After with a 429/503. */
  retryAfter?: number;
  /** Destroy the TCP connection after this many tokens. */
  resetAfter?: number;
  /** Send a chunk that is not JSON after this many tokens. */
  malformedAfter?: number;
  /** Send headers (and this many tokens), then nothing, never ending. */
  hangAfter?: number;
  /**
   * Pacing hook: awaited before token `index` is written, so a test can hold the stream at a
   * chosen token and act at that moment (see gate.ts) instead of guessing with sleeps.
   */
  beforeToken?: (index: number) => void | Promise<void>;
}

export interface RecordedRequest {
  body: any;
  at: number;
  /** Arrival on the monotonic clock (performance.now()), for latency breakdowns. */
  atMono: number;
  /** The client closed the connection before the answer ended (cancel, timeout). */
  disconnected: boolean;
  disconnectedAt?: number;
  ended: boolean;
  tokensSent: number;
  /** Resolves when the answer's connection closed: ended, or `disconnected` by the client. */
  closed: Promise<void>;
}

export interface FakeLlm {
  /** Base URL to give as OPENAI_BASE_URL (ends in /v1). */
  baseUrl: string;
  port: number;
  requests: RecordedRequest[];
  /** Queues scripts for the next requests, in order. */
  enqueue(...scripts: Script[]): void;
  /** The script for requests when the queue is empty (may look at the request body). */
  setDefault(script: Script | ((body: any) => Script)): void;
  /** Resolves once `n` requests have arrived. */
  waitForRequests(n: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

const DEFAULT: Script = {
  text: 'Hello from the fake model.',
  usage: { prompt_tokens: 11, completion_tokens: 5 },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tokenize = (t: string | string[]) => (Array.isArray(t) ? t : (t.match(/\S+\s*|\s+/g) ?? []));

function chunk(model: string, delta: Record<string, unknown>, finish: string | null = null, extra = {}) {
  return `data: ${JSON.stringify({
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  })}\n\n`;
}

export async function startFakeLlm(opts: { port?: number; host?: string } = {}): Promise<FakeLlm> {
  const queue: Script[] = [];
  let fallback: Script | ((body: any) => Script) = DEFAULT;
  const requests: RecordedRequest[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];

  async function answer(req: IncomingMessage, res: ServerResponse, rec: RecordedRequest) {
    const s = queue.shift() ?? (typeof fallback === 'function' ? fallback(rec.body) : fallback);
    const model = String(rec.body?.model ?? 'fake');
    if (s.status) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (s.retryAfter !== undefined) headers['retry-after'] = String(s.retryAfter);
      res.writeHead(s.status, headers);
      res.end(
        JSON.stringify({ error: { message: `fake error ${s.status}`, type: 'fake_error', code: null } }),
      );
      rec.ended = true;
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    res.write(chunk(model, { role: 'assistant', content: '' }));
    const tokens = tokenize(s.text ?? (s.toolCalls ? [] : (DEFAULT.text as string)));
    for (let i = 0; i < tokens.length; i++) {
      if (s.hangAfter === i) return; // keep the connection open, say nothing more
      if (s.resetAfter === i) {
        // Let what was written reach the client first, so "after N tokens" is what it sees.
        if (i > 0) await sleep(30);
        return void req.socket.destroy();
      }
      if (s.malformedAfter === i) res.write('data: {"choices": [ not json\n\n');
      if (s.paceMs) await sleep(s.paceMs);
      if (s.beforeToken) await s.beforeToken(i);
      if (rec.disconnected) return;
      res.write(chunk(model, { content: tokens[i] }));
      rec.tokensSent++;
    }
    if (s.hangAfter !== undefined && s.hangAfter >= tokens.length) return;
    for (const [i, call] of (s.toolCalls ?? []).entries()) {
      const args = JSON.stringify(call.args);
      const id = call.id ?? `call_${i}`;
      const fn = { name: call.name, arguments: '' };
      res.write(chunk(model, { tool_calls: [{ index: i, id, type: 'function', function: fn }] }));
      for (let k = 0; k < args.length; k += 8)
        res.write(
          chunk(model, { tool_calls: [{ index: i, function: { arguments: args.slice(k, k + 8) } }] }),
        );
    }
    res.write(chunk(model, {}, s.toolCalls ? 'tool_calls' : 'stop'));
    if (rec.body?.stream_options?.include_usage) {
      const u = s.usage ?? { prompt_tokens: 10, completion_tokens: tokens.length };
      const usage = { ...u, total_tokens: u.prompt_tokens + u.completion_tokens };
      res.write(
        `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', model, choices: [], usage })}\n\n`,
      );
    }
    res.end('data: [DONE]\n\n');
    rec.ended = true;
  }

  const server = createServer((req, res) => {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      let onClosed!: () => void;
      const rec: RecordedRequest = {
        closed: new Promise<void>((r) => (onClosed = r)),
        body: JSON.parse(raw || '{}'),
        at: Date.now(),
        atMono: performance.now(),
        disconnected: false,
        ended: false,
        tokensSent: 0,
      };
      requests.push(rec);
      res.on('close', () => {
        if (!rec.ended && !rec.disconnected) {
          rec.disconnected = true;
          rec.disconnectedAt = Date.now();
        }
        onClosed();
      });
      for (const w of waiters.splice(0))
        if (requests.length >= w.n) w.resolve();
        else waiters.push(w);
      void answer(req, res, rec).catch(() => req.socket.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    enqueue: (...s) => void queue.push(...s),
    setDefault: (s) => void (fallback = s),
    waitForRequests(n, timeoutMs = 10_000) {
      if (requests.length >= n) return Promise.resolve(requests);
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`only ${requests.length}/${n} LLM requests arrived`)),
          timeoutMs,
        );
        waiters.push({ n, resolve: () => (clearTimeout(t), resolve(requests)) });
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
