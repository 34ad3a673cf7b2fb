import { readdirSync, rmSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DomainError, isDomainError } from '../../domain/errors';
import { newId } from '../../domain/ids';
import {
  importRunning,
  previewRosterImport,
  runRosterImport,
  type ImportProgressReport,
  type RosterImportResult,
} from '../../services/roster/run-roster-import';
import { warningText } from '../../services/roster/warning-text';
import { rosterTemplate } from '../../services/roster/roster-template';
import { roleAllows } from '../../domain/policy';
import { maskPhone } from '../../domain/privacy';
import { audit } from '../../services/access/audit';
import { currentActor, currentUser } from '../authorize';
import type { AppOptions, Ctx } from '../context';
import { errorParams } from '../error-middleware';
import type { RouteTable } from '../route-table';
import { singleUpload } from '../upload';

export const ROSTER_MAX_BYTES = 50 * 1024 * 1024;
/** async imports remembered for `GET /imports/:id` (in memory: a restart forgets them, not their effect) */
const KEEP_JOBS = 50;

/** an import's time budget when the app is given none (IMPORT_TIME_LIMIT_SECONDS' default) */
export const DEFAULT_IMPORT_TIME_LIMIT_MS = 600_000;

/** an import of `?async=1`; a failure is kept as it was thrown and worded when asked, in the asker's language */
interface ImportJob {
  id: string;
  status: 'running' | 'done' | 'failed';
  phase: ImportProgressReport['phase'];
  processed: number;
  total: number;
  result?: unknown;
  failure?: unknown;
  /** aborted by `DELETE /imports/:id` */
  stop: AbortController;
  /** settles once the import has stopped, its threads gone and the import lock free */
  settled: Promise<unknown>;
}

/**
 * `POST /import/roster` (multipart field `file`): admins and street-wide staff. The upload
 * is spooled to a temp file (removed when done or failed; leftovers swept when the app is
 * made) and imported by a worker thread. `?async=1` answers `202 {id}` at once;
 * `GET /imports/:id` → `{status, phase, processed, total, result?, error?}`.
 */
export function importRoutes(o: AppOptions, router: RouteTable): void {
  const dir =
    o.imports?.dir ??
    (o.store.file ? path.join(path.dirname(o.store.file), 'uploads') : path.join(os.tmpdir(), `anxin-uploads-${process.pid}`));
  // (made 0700 by the upload's storage, which also writes each spooled file 0600)
  const upload = singleUpload({ field: 'file', maxBytes: ROSTER_MAX_BYTES, fields: 10, dir });
  for (const f of readdirSync(dir)) if (f.endsWith('.upload')) rmSync(path.join(dir, f), { force: true });
  const jobs = new Map<string, ImportJob>();

  const streetWide = async (ctx: Ctx, next: () => Promise<unknown>) => {
    const user = currentUser(ctx);
    if (user.role === 'staff' && user.scope !== 'street') throw new DomainError('forbidden', 'roster import needs street scope');
    await next();
  };

  /** the answer of a finished import, or of one refused for bad rows, as the API gives it */
  const answer = (r: RosterImportResult) => ({
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    errors: [],
    warnings: r.warnings.map((w) => warningText(o.t, w)),
  });
  const badRows = (ctx: Ctx, e: DomainError) => {
    const errors = (e.details as { errors: unknown[] }).errors;
    // every bad row is counted; the first 10,000 are listed
    const count = Number(e.params?.count ?? errors.length);
    const key = count > errors.length ? 'api:errors.roster_rows_listed' : 'api:errors.roster_rows';
    return {
      created: 0,
      updated: 0,
      errors,
      error: { code: 'roster_rows', message: o.t(key, { lng: ctx.state.lng, count, listed: errors.length }) },
    };
  };

  const busy = () => new DomainError('import_running', 'an import is running');
  /** 409 before the upload is spooled, when an import is running already */
  const notWhileImporting = async (_ctx: Ctx, next: () => Promise<unknown>) => {
    if (importRunning(o.store)) throw busy();
    await next();
  };

  router.post('/import/roster', 'roster:import', streetWide, notWhileImporting, upload, async (ctx) => {
    const file = (ctx as unknown as { file?: { path: string; size: number } }).file;
    if (!file) throw new DomainError('validation', 'file field required', { detailKey: 'roster_file_required' });
    const user = currentUser(ctx);
    const size = file.size || (await stat(file.path)).size;
    // again, now that the upload is in: another import may have begun meanwhile. From this
    // check to runRosterImport marking the store busy there is no await, so no import slips
    // between them, and `?async=1` answers 409 here rather than 202 and a failure later.
    if (importRunning(o.store)) {
      await rm(file.path, { force: true });
      throw busy();
    }
    const stop = new AbortController();
    const job: ImportJob = { id: newId(), status: 'running', phase: 'parse', processed: 0, total: 0, stop, settled: Promise.resolve() };
    const run = runRosterImport(o, {
      source: { path: file.path },
      size,
      actor: `user:${user.id}`,
      maxRows: o.imports?.maxRows,
      timeLimitMs: o.imports?.timeLimitMs ?? DEFAULT_IMPORT_TIME_LIMIT_MS,
      signal: stop.signal,
      onProgress: (p) => Object.assign(job, p),
    }).finally(() => rm(file.path, { force: true }));
    job.settled = run.catch(() => undefined); // (the async answer below sets it again, once the job's status is set)
    if (ctx.query.async !== '1') {
      try {
        ctx.body = answer(await run);
      } catch (e) {
        if (!(isDomainError(e) && e.code === 'roster_rows')) throw e;
        ctx.status = 422;
        ctx.body = badRows(ctx, e);
      }
      return;
    }
    jobs.set(job.id, job);
    for (const id of [...jobs.keys()].slice(0, Math.max(0, jobs.size - KEEP_JOBS))) jobs.delete(id);
    job.settled = run.then(
      (r) => {
        Object.assign(job, { status: 'done', result: answer(r) });
      },
      (e) => {
        Object.assign(job, { status: 'failed', failure: e });
        if (!isDomainError(e)) o.log.error({ err: e }, 'roster import failed');
      },
    );
    ctx.status = 202;
    ctx.body = { id: job.id };
  });

  /**
   * `GET /import/roster/template`: the roster template (导入模板), a workbook with the usual
   * headers of the caller's language and one example row.
   */
  router.get('/import/roster/template', 'roster:import', streetWide, async (ctx) => {
    const lng = ctx.state.lng;
    ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const name = lng === 'en' ? 'roster-template.xlsx' : '花名册导入模板.xlsx';
    ctx.set('Content-Disposition', `attachment; filename="roster-template.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = await rosterTemplate(lng);
  });

  /**
   * `POST /import/roster/preview` (multipart `file`): the import's dry run — the same reading,
   * checks and warnings as `POST /import/roster`, nothing changed: the rows, the houses it would
   * add, the first rows as read, the warnings and the bad rows (listed, not refused).
   */
  router.post('/import/roster/preview', 'roster:import', streetWide, notWhileImporting, upload, async (ctx) => {
    const file = (ctx as unknown as { file?: { path: string; size: number } }).file;
    if (!file) throw new DomainError('validation', 'file field required', { detailKey: 'roster_file_required' });
    try {
      if (importRunning(o.store)) throw busy();
      const r = await previewRosterImport(o, {
        source: { path: file.path },
        size: file.size || (await stat(file.path)).size,
        maxRows: o.imports?.maxRows,
        timeLimitMs: o.imports?.timeLimitMs ?? DEFAULT_IMPORT_TIME_LIMIT_MS,
      });
      const phones = roleAllows(currentActor(ctx).role, 'phones:read');
      ctx.body = {
        rows: r.rows,
        created: r.created,
        first: r.first.map(({ isKey: _k, ...row }) => ({ ...row, phone: phones ? row.phone : maskPhone(row.phone) })),
        warnings: r.warnings.map((w) => warningText(o.t, w)),
        bad: r.bad,
        errors: r.errors,
      };
    } finally {
      await rm(file.path, { force: true });
    }
  });

  router.get('/imports/:id', 'roster:import', streetWide, async (ctx) => {
    const job = jobs.get(String(ctx.params.id).slice(0, 64));
    if (!job) throw new DomainError('not_found', 'import', { what: o.t('api:what.record', { lng: ctx.state.lng }) });
    const { id, status, phase, processed, total, failure: e } = job;
    const lng = ctx.state.lng;
    // bad rows are a result (as the synchronous import's 422 body); any other failure is an error
    const result = isDomainError(e) && e.code === 'roster_rows' ? badRows(ctx, e) : job.result;
    const error =
      e === undefined || result !== undefined
        ? undefined
        : isDomainError(e)
          ? { code: e.code, message: o.t(`api:errors.${e.code}`, { lng, detail: '', ...errorParams(e, o.t, lng) }) }
          : { code: 'internal', message: o.t('api:errors.internal', { lng }) };
    ctx.body = { id, status, phase, processed, total, ...(result ? { result } : {}), ...(error ? { error } : {}) };
  });

  /**
   * `DELETE /imports/:id`: staff stop a running import of `?async=1` (the same scope as starting
   * one). Answers once it has stopped, its threads gone and the lock free: `{id, status: 'failed',
   * error: import_cancelled}` as `GET` then tells; an import that has finished is 409.
   */
  router.delete('/imports/:id', 'roster:import', streetWide, async (ctx) => {
    const job = jobs.get(String(ctx.params.id).slice(0, 64));
    if (!job) throw new DomainError('not_found', 'import', { what: o.t('api:what.record', { lng: ctx.state.lng }) });
    if (job.status !== 'running') throw new DomainError('import_finished', 'the import has finished');
    const user = currentUser(ctx);
    job.stop.abort(new DomainError('import_cancelled', 'the import was cancelled'));
    await job.settled;
    await audit(o, {
      actor: `user:${user.id}`,
      action: 'cancel_import',
      target: `import:${job.id}`,
      detail: { phase: job.phase, processed: job.processed, total: job.total, status: job.status },
    });
    const lng = ctx.state.lng;
    const e = job.failure;
    const error = isDomainError(e)
      ? { code: e.code, message: o.t(`api:errors.${e.code}`, { lng, detail: '', ...errorParams(e, o.t, lng) }) }
      : undefined;
    ctx.body = {
      id: job.id,
      status: job.status,
      phase: job.phase,
      processed: job.processed,
      total: job.total,
      ...(error ? { error } : {}),
    };
  });
}
