import { createHash, createHmac } from 'node:crypto';

/**
 * The two SMS providers' documented request signatures (issue 28), pure functions so that
 * each is tested against the provider's own worked example and the test's fake provider
 * can check what the sender sent.
 */

/** 阿里云 RPC percent-encoding: RFC 3986 unreserved characters stay, everything else is %XX (a space is %20, never +). */
export function aliyunEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** 阿里云 RPC (signature version 1.0): the string to sign for these parameters (all but Signature). */
export function aliyunStringToSign(method: 'GET' | 'POST', params: Readonly<Record<string, string>>): string {
  const canonical = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${aliyunEncode(k)}=${aliyunEncode(params[k]!)}`)
    .join('&');
  return `${method}&${aliyunEncode('/')}&${aliyunEncode(canonical)}`;
}

/** Base64(HMAC-SHA1(secret + "&", StringToSign)) */
export function aliyunSignature(method: 'GET' | 'POST', params: Readonly<Record<string, string>>, secret: string): string {
  return createHmac('sha1', `${secret}&`).update(aliyunStringToSign(method, params), 'utf8').digest('base64');
}

/** The query string of a signed 阿里云 RPC request, parameters in any order, Signature included. */
export function aliyunSignedQuery(method: 'GET' | 'POST', params: Readonly<Record<string, string>>, secret: string): string {
  const all = { ...params, Signature: aliyunSignature(method, params, secret) };
  return Object.entries(all)
    .map(([k, v]) => `${aliyunEncode(k)}=${aliyunEncode(v)}`)
    .join('&');
}

const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: string | Buffer, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();

export interface Tc3Input {
  secretId: string;
  secretKey: string;
  /** the product, e.g. `sms` */
  service: string;
  host: string;
  /** seconds since the epoch (X-TC-Timestamp) */
  timestamp: number;
  payload: string;
  contentType?: string;
}

/** 腾讯云 TC3-HMAC-SHA256 over a POST of JSON: the canonical request, the string to sign, the signature and the Authorization header. */
export function tc3Sign(i: Tc3Input): { canonicalRequest: string; stringToSign: string; signature: string; authorization: string } {
  const contentType = i.contentType ?? 'application/json; charset=utf-8';
  const date = new Date(i.timestamp * 1000).toISOString().slice(0, 10);
  const signedHeaders = 'content-type;host';
  const canonicalRequest = ['POST', '/', '', `content-type:${contentType}\nhost:${i.host}\n`, signedHeaders, sha256Hex(i.payload)].join(
    '\n',
  );
  const scope = `${date}/${i.service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(i.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  const signing = hmac(hmac(hmac(`TC3${i.secretKey}`, date), i.service), 'tc3_request');
  const signature = createHmac('sha256', signing).update(stringToSign, 'utf8').digest('hex');
  return {
    canonicalRequest,
    stringToSign,
    signature,
    authorization: `TC3-HMAC-SHA256 Credential=${i.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
