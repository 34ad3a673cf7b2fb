/**
 * Issue 28: a test-owned fake SMS provider (阿里云 or 腾讯云) and a fake group-robot webhook on
 * loopback. Each provider request's signature is checked with the provider's algorithm and the
 * test's secret; a request signed wrong is answered as the provider would and counted as `bad`.
 * `script` answers the next requests otherwise (HTTP status, a provider code, a hang for timeouts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { aliyunSignature, tc3Sign } from '../../src/services/reach/sms-signing';

export interface SmsReceived { phone: string; template: string; params: Record<string, string>; signName: string }
export type Answer = { status?: number; code?: string; hang?: boolean };

export async function fakeSmsProvider(o: { provider: 'aliyun' | 'tencent'; keyId: string; secret: string; port: number }) {
  const received: SmsReceived[] = [];
  const script: Answer[] = [];
  let bad = 0;
  let requests = 0;
  const hung: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      requests += 1;
      const answer = script.shift();
      if (answer?.hang) { hung.push(res); return; }
      const send = (status: number, json: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(json)); };
      if (o.provider === 'aliyun') {
        const params = Object.fromEntries(new URLSearchParams(body));
        const { Signature, ...rest } = params;
        if (rest.AccessKeyId !== o.keyId || Signature !== aliyunSignature('POST', rest, o.secret)) { bad += 1; return send(400, { Code: 'SignatureDoesNotMatch' }); }
        if (answer) return send(answer.status ?? 200, { Code: answer.code ?? 'OK' });
        received.push({ phone: rest.PhoneNumbers!, template: rest.TemplateCode!, params: JSON.parse(rest.TemplateParam!), signName: rest.SignName! });
        return send(200, { Code: 'OK', BizId: `biz-${received.length}`, RequestId: 'r' });
      }
      const h = req.headers;
      const expected = tc3Sign({ secretId: o.keyId, secretKey: o.secret, service: 'sms', host: String(h.host), timestamp: Number(h['x-tc-timestamp']), payload: body, contentType: String(h['content-type']) });
      if (h.authorization !== expected.authorization || h['x-tc-action'] !== 'SendSms') { bad += 1; return send(200, { Response: { Error: { Code: 'AuthFailure.SignatureFailure' } } }); }
      if (answer) return send(answer.status ?? 200, { Response: answer.code ? { Error: { Code: answer.code } } : { SendStatusSet: [{ Code: 'Ok' }] } });
      const p = JSON.parse(body) as { PhoneNumberSet: string[]; TemplateId: string; TemplateParamSet: string[]; SignName: string };
      received.push({ phone: p.PhoneNumberSet[0]!.replace(/^\+86/, ''), template: p.TemplateId, params: Object.fromEntries(p.TemplateParamSet.map((v, i) => [String(i), v])), signName: p.SignName });
      return send(200, { Response: { SendStatusSet: [{ Code: 'Ok', SerialNo: `s-${received.length}` }], RequestId: 'r' } });
    });
  });
  server.listen(o.port, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    received, script,
    bad: () => bad,
    requests: () => requests,
    async close() { for (const r of hung) r.destroy(); server.closeAllConnections(); await new Promise((r) => server.close(r)); },
  };
}

export async function fakeWebhook(port: number) {
  const received: { msgtype: string; text: { content: string } }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errcode: 0, errmsg: 'ok' }));
    });
  });
  server.listen(port, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cgi-bin/webhook/send?key=hook-secret-0123456789`,
    received,
    async close() { server.closeAllConnections(); await new Promise((r) => server.close(r)); },
  };
}

/** An IANA zone where it is now about noon, so quiet hours (21:00–08:00) hold nothing back whenever the test runs. */
export function middayZone(now = new Date()): string {
  let off = 12 - now.getUTCHours();
  if (off > 14) off -= 24;
  return off >= 0 ? `Etc/GMT-${off}` : `Etc/GMT+${-off}`;
}
