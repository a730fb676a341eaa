import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpError } from './problem';

/**
 * Requests Node's HTTP parser refuses before Express sees them (a URL or headers over the
 * 16 KiB limit, a malformed request line) would get a bare status line; answer problem+json
 * like every other error instead.
 */
export function answerClientErrorsWithProblems(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const problem = (
      tooLarge
        ? new HttpError(
            431,
            'headers-too-large',
            'Request headers too large',
            'the URL or headers are too long',
          )
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? new HttpError(408, 'request-timeout', 'Request timeout', 'the request took too long to arrive')
          : new HttpError(400, 'bad-request', 'Bad request', 'the HTTP request is malformed')
    ).toProblem();
    const body = JSON.stringify(problem);
    socket.end(
      `HTTP/1.1 ${problem.status} ${problem.title}\r\n` +
        'Content-Type: application/problem+json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
      // end() alone waits for the peer to close its side: an idle or hostile one never does.
      () => socket.destroy(),
    );
  });
}
