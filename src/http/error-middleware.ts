import type { Middleware } from 'koa';
import { ZodError } from 'zod';
import { DomainError, type ErrorCode } from '../domain/errors';
import { ROSTER_COLUMNS, type RosterField } from '../domain/roster';
import { pickLocale, type Translate } from '../i18n';
import type { Logger } from '../log';
import { isStorageBusy, isStorageFailure } from '../storage/storage-failure';
import type { AppState } from './context';
import type { StorageHealth } from './storage-health';
import { describeIssues } from './validation-messages';

/** The HTTP status of each domain error code (also the public placard page's, which answers in HTML). */
export const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation: 400,
  operator_refused: 400,
  scope_invalid: 400,
  roster_headers: 400,
  roster_empty: 400,
  roster_rows: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  roster_limit: 413,
  roster_duplicate_headers: 400,
  roster_encoding: 400,
  roster_unreadable: 400,
  import_running: 409,
  import_timeout: 422,
  import_cancelled: 409,
  import_finished: 409,
  phone_unavailable: 409,
  unsupported_media_type: 415,
  storage_unavailable: 503,
  code_invalid: 400,
  room_not_bound: 409,
  room_already_bound: 409,
  house_not_in_group: 404,
  not_registered: 409,
  not_allowed: 403,
  no_open_round: 409,
  photo_unsupported: 415,
  photo_too_large: 413,
  photo_too_many_pixels: 413,
  photo_unreadable: 400,
  submission_incomplete: 409,
  nothing_to_return: 409,
  submission_approved: 409,
  own_house: 403,
  own_claim: 403,
  hazard_not_found: 404,
  hazard_closed: 409,
  not_your_hazard: 403,
  too_many_tips: 429,
  tip_not_found: 404,
  head_house_claim: 403,
  claim_pending: 409,
  register_locked: 429,
  scope_ambiguous: 422,
  last_admin: 409,
  not_empty: 409,
  head_house_move: 409,
  outside_scope: 403,
  report_busy: 429,
  signin_failed: 401,
  signin_locked: 429,
  password_wrong: 403,
  username_taken: 409,
  cross_origin: 403,
  internal: 500,
};

const fromHttpStatus = (status: number): ErrorCode =>
  status === 401
    ? 'unauthorized'
    : status === 403
      ? 'forbidden'
      : status === 404
        ? 'not_found'
        : status === 405
          ? 'method_not_allowed'
          : status === 413
            ? 'payload_too_large'
            : status === 415
              ? 'unsupported_media_type'
              : 'bad_request';

/**
 * The one place errors become responses: `{error:{code,message,details?}}` in the
 * caller's language. Bad input is a 4xx; only our own faults are a 500, and those are logged.
 */
/** A domain error's message parameters in the reader's language (also for the CLI's messages). */
export function errorParams(e: DomainError, t: Translate, lng: string): Record<string, unknown> {
  const params: Record<string, unknown> = { ...e.params };
  // a service names what was not found by its key (`whatKey`), in the caller's language here
  if (e.code === 'not_found' && !params.what)
    params.what = t(`api:what.${typeof params.whatKey === 'string' ? params.whatKey : 'record'}`, { lng });
  // a detail named by key (api:details.*) is worded in the reader's language, with the error's other params
  if (typeof params.detailKey === 'string') params.detail = t(`api:details.${params.detailKey}`, { lng, ...params });
  // missing roster columns by their header in the reader's language (not both at once)
  if (e.code === 'roster_headers' && typeof params.fields === 'string') {
    const en = lng === 'en';
    params.missing = params.fields
      .split(',')
      .map((f) => ROSTER_COLUMNS[f as RosterField]?.[en ? 1 : 0] ?? f)
      .join(en ? ', ' : '、');
  }
  // a limit passed names itself in the reader's language
  if (e.code === 'roster_limit') {
    params.limit = t(`api:roster_limits.${String(params.which)}`, { lng, max: params.max });
    // where it was passed, in the same language: the row, and what was found there
    const at =
      params.row !== undefined ? (params.found !== undefined ? 'row_found' : 'row') : params.found !== undefined ? 'found' : 'file';
    params.detail = t(`api:roster_limit_at.${at}`, { lng, row: params.row, found: params.found });
  }
  return params;
}

export function errorMiddleware(t: Translate, log: Logger, fallback: 'zh-CN' | 'en', health?: StorageHealth): Middleware<AppState> {
  return async (ctx, next) => {
    ctx.state.lng = pickLocale(ctx.get('accept-language') || undefined, fallback);
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined)
        throw new DomainError('not_found', 'route', { what: t('api:what.route', { lng: ctx.state.lng }) });
      if (ctx.status === 405)
        throw new DomainError('method_not_allowed', ctx.method, { method: ctx.method, allow: ctx.response.get('Allow') });
    } catch (e) {
      const lng = ctx.state.lng;
      let code: ErrorCode;
      let params: Record<string, unknown> = {};
      let details: unknown;
      if (isStorageFailure(e)) {
        // a full disk or a read-only store: the request was fine, so 503 and /healthz says so
        code = 'storage_unavailable';
        if (!isStorageBusy(e)) health?.failed();
        log.error({ err: e, method: ctx.method, path: ctx.path }, 'storage write failed');
      } else if (e instanceof DomainError) {
        code = e.code;
        params = errorParams(e, t, lng);
        details = e.details;
      } else if (e instanceof ZodError) {
        code = 'validation';
        // every problem, in the caller's language, under the names staff know the fields by
        const problems = describeIssues(e.issues, t, lng);
        details = problems.map((p) => ({ ...p, path: p.field }));
        params = { detail: problems.map((p) => p.message).join(lng === 'en' ? '; ' : '；') };
      } else if ((e as { name?: string }).name === 'MulterError') {
        // uploads go through http/upload.ts, which names the real limit; this is the fallback
        code = (e as { code?: string }).code === 'LIMIT_FILE_SIZE' ? 'payload_too_large' : 'validation';
        params = { detail: (e as Error).message, limit: t('api:limit_unknown', { lng }) };
      } else if (e instanceof RangeError) {
        // a date or number out of range that slipped past validation (e.g. year 9999)
        code = 'validation';
        params = { detail: e.message };
      } else if (typeof (e as { status?: number }).status === 'number' && (e as { status: number }).status < 500) {
        const err = e as { status: number; message: string; expose?: boolean };
        code = fromHttpStatus(err.status);
        // (a 400 here is the JSON body parser's: the body is not JSON, or not an object or array)
        params = {
          detail:
            err.status === 400
              ? t('api:details.unreadable_body', { lng })
              : err.expose
                ? err.message
                : t('api:details.invalid_request', { lng }),
          limit: '1 MB',
          what: t('api:what.record', { lng }),
        };
      } else {
        code = (e as { code?: string })?.code === 'storage_unavailable' ? 'storage_unavailable' : 'internal';
        log.error({ err: e, method: ctx.method, path: ctx.path }, 'request failed');
      }
      ctx.status = STATUS[code];
      const message = t(`api:errors.${code}`, { lng, ...params, detail: params.detail ?? '', what: params.what ?? '' });
      ctx.body = { error: { code, message, ...(details === undefined ? {} : { details }) } };
      if (ctx.status === 401) ctx.set('WWW-Authenticate', 'Bearer');
      // a lockout says when to try again
      if (code === 'signin_locked' && typeof params.retryAfter === 'number') ctx.set('Retry-After', String(params.retryAfter));
    }
  };
}
