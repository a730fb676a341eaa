import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

// A recording hop between our Electric proxy and its upstream (a real HTTP server in front of
// the stand-in Electric): the test sees exactly what reached "Electric" — path, query, headers —
// and when the proxy gave a request up, without trusting the proxy's own account of it.

export interface CapturedRequest {
  method: string;
  path: string;
  params: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Resolves when the proxy closed this request before its answer ended (an abort). */
  aborted: Promise<void>;
}

export interface UpstreamCapture {
  url: string;
  requests: CapturedRequest[];
  /** Resolves with the n-th request (1-based) once it has arrived. */
  nth(n: number): Promise<CapturedRequest>;
  close(): Promise<void>;
}

export async function startUpstreamCapture(target: string): Promise<UpstreamCapture> {
  const requests: CapturedRequest[] = [];
  let waiters: { n: number; resolve: (r: CapturedRequest) => void }[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://upstream');
    let onAbort!: () => void;
    const aborted = new Promise<void>((r) => (onAbort = r));
    const rec: CapturedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      params: url.searchParams,
      headers: req.headers,
      aborted,
    };
    requests.push(rec);
    waiters = waiters.filter((w) => (requests.length >= w.n ? (w.resolve(requests[w.n - 1]!), false) : true));
    const up = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    res.on('close', () => {
      if (!res.writableFinished) {
        onAbort();
        up.destroy();
      }
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    nth: (n) =>
      requests.length >= n
        ? Promise.resolve(requests[n - 1]!)
        : new Promise((resolve) => waiters.push({ n, resolve })),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
