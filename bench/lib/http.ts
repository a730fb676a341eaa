import { Agent, request } from 'node:http';
import { defaultHeaders } from '../../test/support/auth';

// node:http with keep-alive rather than fetch: on Node 20 undici's fetch costs the client about a
// millisecond of CPU per request, which a bench process shares with the server it measures.
const httpAgent = new Agent({ keepAlive: true, maxSockets: 64 });

/**
 * POSTs JSON as the session registered for the URL's server (test/support/auth.ts), if any;
 * resolves the parsed body of a 2xx, rejects with the status and body otherwise.
 */
export function postJson(url: string, body: unknown): Promise<any> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: httpAgent,
        headers: {
          ...defaultHeaders(url),
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(data),
        },
      },
      (res) => {
        let raw = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (raw += c));
        res.on('end', () => {
          if ((res.statusCode ?? 500) >= 300) reject(new Error(`POST ${url}: ${res.statusCode} ${raw}`));
          else resolve(JSON.parse(raw || '{}'));
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** Closes the kept-alive sockets so the bench process can exit. */
export function closeHttpClients(): void {
  httpAgent.destroy();
}
