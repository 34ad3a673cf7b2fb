import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Translate } from '../i18n';

/**
 * Requests Node's HTTP parser refuses before the app sees them (raw UTF-8 or control bytes in
 * the URL, malformed headers, oversized headers, a request that never finishes) are answered
 * like every other bad request: a 4xx with `{error:{code,message}}`, not a bare status line.
 * The headers were not read, so the message is in both languages, Chinese first.
 */
export function answerClientErrors(server: Server, t: Translate): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout']
          : [400, 'Bad Request'];
    const say = (lng: string) => t('api:errors.bad_request', { lng, detail: t(`api:client_errors.${status}`, { lng }) });
    const message = `${say('zh-CN')} / ${say('en')}`;
    const body = JSON.stringify({ error: { code: 'bad_request', message } });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
