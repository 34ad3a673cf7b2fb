import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { maskPhone } from '../../domain/privacy';
import type { OutboxEntry } from '../../domain/types';
import type { Deps } from '../deps';
import { aliyunSignedQuery, tc3Sign } from './sms-signing';

/**
 * The channels under the outbox besides WeChat (issue 28): a staff group robot and SMS.
 * Each is a send port the outbox worker drives like WeChat's (its own account in the outbox,
 * its own pacing); a failed send throws, and the outbox retries it with back-off until it is
 * recorded as failed. No error message, log line or answer carries a key or a URL.
 */
export interface ChannelPort {
  send(entry: OutboxEntry): Promise<void>;
}

/** The outbox accounts of the channels: their senders take only these entries (never a WeChat account's, never '*'). */
export const CHANNEL = { staff: 'channel:staff', sms: 'channel:sms' } as const;

export type SmsKind = 'deadline' | 'hazard_due' | 'hazard_overdue' | 'returned';
/** The SMS provider's settings (SMS_* in config.ts). */
export interface SmsSettings {
  provider: 'aliyun' | 'tencent';
  /** the provider's base URL (SMS_ENDPOINT points it elsewhere: a test's fake, a private endpoint) */
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** 腾讯云's SmsSdkAppId */
  sdkAppId?: string;
  region: string;
  signName: string;
  /** one approved template per message kind; a kind without one is not sent by SMS */
  templates: Partial<Record<SmsKind, string>>;
  dailyLimitPerNumber: number;
  /** what one message costs, in fen (for the monthly cost counter) */
  priceFen: number;
}

const TIMEOUT_MS = 10_000;
/** The channels' HTTP client: a timeout, every status answered (judged here), no redirects, no proxy from the environment. */
export const channelHttp = (timeoutMs = TIMEOUT_MS): AxiosInstance =>
  axios.create({ timeout: timeoutMs, validateStatus: () => true, maxRedirects: 0, proxy: false });

/** An axios failure in words that name no URL, header or key. */
function failure(e: unknown, who: string): Error {
  const code = (e as { code?: string })?.code;
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') return new Error(`${who} timed out`);
  return new Error(`${who} unreachable (${code ?? 'network error'})`);
}
function statusError(r: AxiosResponse, who: string): Error | null {
  if (r.status === 429) return new Error(`${who} throttled (HTTP 429)`);
  if (r.status >= 400) return new Error(`${who} answered HTTP ${r.status}`);
  return null;
}

/** Which group robot a URL is, for the answer of GET /bot (the URL itself is never shown). */
export function webhookKind(url: string | undefined): 'wecom' | 'dingtalk' | 'other' | null {
  if (!url) return null;
  const host = (() => {
    try {
      return new URL(url).hostname;
    } catch {
      return '';
    }
  })();
  return host === 'qyapi.weixin.qq.com' ? 'wecom' : host === 'oapi.dingtalk.com' ? 'dingtalk' : 'other';
}

/**
 * 企业微信 and 钉钉 group robots take the same text message (`{msgtype: 'text', text: {content}}`)
 * and answer `{errcode: 0}`; 45009 (企业微信) and 130101 (钉钉) mean too many, 20 a minute.
 */
export function createStaffWebhook(url: string, client: AxiosInstance = channelHttp()): ChannelPort {
  return {
    async send(entry) {
      const r = await client.post(url, { msgtype: 'text', text: { content: entry.text } }).catch((e: unknown) => {
        throw failure(e, 'staff webhook');
      });
      const bad = statusError(r, 'staff webhook');
      if (bad) throw bad;
      const errcode = (r.data as { errcode?: number })?.errcode;
      if (errcode !== 0) throw new Error(`staff webhook refused (errcode ${errcode ?? 'none'})`);
    },
  };
}

/** What an SMS outbox entry carries in its text: the kind (one template each) and the template's parameters. */
export interface SmsPayload {
  kind: SmsKind;
  params: Record<string, string>;
}

/** One SMS to one number through the configured provider; resolves with the provider's message id. */
export interface SmsProvider {
  send(phone: string, template: string, params: Record<string, string>): Promise<string | null>;
}

export function createSmsProvider(s: SmsSettings, client: AxiosInstance = channelHttp(), now: () => Date = () => new Date()): SmsProvider {
  const who = `SMS provider ${s.provider}`;
  if (s.provider === 'aliyun')
    return {
      async send(phone, template, params) {
        const query = aliyunSignedQuery(
          'POST',
          {
            AccessKeyId: s.accessKeyId,
            Action: 'SendSms',
            Format: 'JSON',
            RegionId: 'cn-hangzhou',
            SignatureMethod: 'HMAC-SHA1',
            SignatureNonce: randomUUID(),
            SignatureVersion: '1.0',
            Timestamp: now()
              .toISOString()
              .replace(/\.\d{3}Z$/, 'Z'),
            Version: '2017-05-25',
            PhoneNumbers: phone,
            SignName: s.signName,
            TemplateCode: template,
            TemplateParam: JSON.stringify(params),
          },
          s.accessKeySecret,
        );
        const r = await client
          .post(s.endpoint, query, { headers: { 'content-type': 'application/x-www-form-urlencoded' } })
          .catch((e: unknown) => {
            throw failure(e, who);
          });
        const body = r.data as { Code?: string; BizId?: string };
        if (body?.Code === 'isv.BUSINESS_LIMIT_CONTROL' || body?.Code === 'Throttling.User')
          throw new Error(`${who} throttled (${body.Code})`);
        const bad = statusError(r, who);
        if (bad) throw new Error(`${bad.message}${body?.Code ? ` ${body.Code}` : ''}`);
        if (body?.Code !== 'OK') throw new Error(`${who} refused (${String(body?.Code ?? 'no code').slice(0, 60)})`);
        return body.BizId ?? null;
      },
    };
  return {
    async send(phone, template, params) {
      const payload = JSON.stringify({
        PhoneNumberSet: [`+86${phone}`],
        SmsSdkAppId: s.sdkAppId,
        SignName: s.signName,
        TemplateId: template,
        TemplateParamSet: Object.values(params),
      });
      const timestamp = Math.floor(now().getTime() / 1000);
      const host = new URL(s.endpoint).host;
      const signed = tc3Sign({ secretId: s.accessKeyId, secretKey: s.accessKeySecret, service: 'sms', host, timestamp, payload });
      const r = await client
        .post(s.endpoint, payload, {
          headers: {
            authorization: signed.authorization,
            'content-type': 'application/json; charset=utf-8',
            'x-tc-action': 'SendSms',
            'x-tc-version': '2021-01-11',
            'x-tc-timestamp': String(timestamp),
            'x-tc-region': s.region,
          },
        })
        .catch((e: unknown) => {
          throw failure(e, who);
        });
      const bad = statusError(r, who);
      if (bad) throw bad;
      const res = (r.data as { Response?: { Error?: { Code?: string }; SendStatusSet?: { Code?: string; SerialNo?: string }[] } })
        ?.Response;
      const code = res?.Error?.Code ?? res?.SendStatusSet?.[0]?.Code;
      if (code === 'RequestLimitExceeded' || code?.startsWith('LimitExceeded')) throw new Error(`${who} throttled (${code})`);
      if (code !== 'Ok') throw new Error(`${who} refused (${String(code ?? 'no code').slice(0, 60)})`);
      return res?.SendStatusSet?.[0]?.SerialNo ?? null;
    },
  };
}

/**
 * The SMS channel's send port: the entry names a landlord (contactId) and carries its kind and
 * parameters; the number is read at send time, used once, and only its masked form is logged.
 */
export function createSmsPort(deps: Deps, s: SmsSettings, provider: SmsProvider = createSmsProvider(s)): ChannelPort {
  return {
    async send(entry) {
      const payload = JSON.parse(entry.text) as SmsPayload;
      const template = s.templates[payload.kind];
      if (!template) throw new Error(`no SMS template for ${payload.kind}`);
      const landlord = entry.contactId ? await deps.store.landlords.get(entry.contactId) : null;
      if (!landlord) throw new Error('landlord gone');
      const id = await provider.send(landlord.phone, template, payload.params);
      deps.log.info({ to: maskPhone(landlord.phone), kind: payload.kind, providerId: id }, 'SMS sent');
    },
  };
}
