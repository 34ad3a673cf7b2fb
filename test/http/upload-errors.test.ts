/**
 * Issue 12: bad uploads, far-future dates and a store that cannot write are answered
 * with a 4xx/503 `{error:{code,message}}`, never a 500.
 */
import { promises as fs } from 'node:fs';
import request from 'supertest';
import { appFixture, auth } from '../support/app-fixture';
import { sampleRosterBytes } from '../support/fixtures';

type Fixture = Awaited<ReturnType<typeof appFixture>>;
let f: Fixture;
beforeEach(async () => { f = await appFixture(); });
afterEach(async () => { await f.close(); });

const raw = (body: string | Buffer, contentType: string) =>
  request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).set('Content-Type', contentType).send(body);

describe('malformed uploads (issue 12)', () => {
  it('answers a wrong field name, two files, a truncated body and no boundary with a 4xx', async () => {
    const wrongField = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('roster', sampleRosterBytes(), 'r.csv').expect(400);
    expect(wrongField.body.error).toMatchObject({ code: 'validation', message: '参数有误：应在 multipart 字段“file”中上传一个文件（收到的字段是“roster”）' });
    const wrongEn = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).set('Accept-Language', 'en').attach('roster', sampleRosterBytes(), 'r.csv').expect(400);
    expect(wrongEn.body.error.message).toBe('Invalid parameters: one file expected, in the multipart field "file" (got a file in "roster")');
    const two = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken))
      .attach('file', sampleRosterBytes(), 'a.csv').attach('file', sampleRosterBytes(), 'b.csv').expect(400);
    expect(two.body.error.code).toBe('validation');
    const boundary = 'XyZ';
    const truncated = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="r.csv"\r\nContent-Type: text/csv\r\n\r\n社区,网格`;
    const cut = await raw(truncated, `multipart/form-data; boundary=${boundary}`).expect(400);
    expect(cut.body.error).toMatchObject({ code: 'bad_request', message: '请求无效：上传的内容不完整或格式有误' });
    const cutEn = await raw(truncated, `multipart/form-data; boundary=${boundary}`).set('Accept-Language', 'en').expect(400);
    expect(cutEn.body.error.message).toMatch(/^Bad request: malformed multipart body \(.+\)$/);
    const noBoundary = await raw('whatever', 'multipart/form-data').expect(400);
    expect(noBoundary.body.error.code).toBe('bad_request');
    const garbageHeader = await raw(`--${boundary}\r\nnonsense\r\n\r\nx\r\n--${boundary}--\r\n`, `multipart/form-data; boundary=${boundary}`);
    expect(garbageHeader.status).toBeLessThan(500);
  });

  it('names a malformed CSV and about where, in the language of the caller', async () => {
    const csv = Buffer.from('社区,网格,联防组,房屋编号,地址,房东姓名,联系电话,租住人数,房间数,户长\n平山村,平山村第1网格,联防1组,P00001,"东港路25号,陈娜英,15000001408,9,7,\n');
    const zh = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).attach('file', csv, 'r.csv').expect(400);
    expect(zh.body.error.message).toMatch(/^请求无效：CSV 格式有误，在第 \d+ 行附近（常见原因：引号不配对）$/);
    const en = await request(f.server).post('/api/v1/import/roster').set(auth(f.adminToken)).set('Accept-Language', 'en').attach('file', csv, 'r.csv').expect(400);
    expect(en.body.error.message).toMatch(/^Bad request: malformed CSV near row \d+ \(.+\)$/);
  });

  it('states the real size limit of each upload', async () => {
    const big = Buffer.alloc(20 * 1024 * 1024 + 1, 0xff);
    const r = await request(f.server).post('/api/v1/broadcasts').set(auth(f.adminToken)).field('text', 'x').field('scope', 'street').attach('image', big, 'a.jpg').expect(413);
    expect(r.body.error).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('20 MB') });
  });

  it('answers broken JSON and a far-future broadcast time with 400', async () => {
    const bad = await request(f.server).post('/api/v1/broadcasts').set(auth(f.adminToken)).set('Content-Type', 'application/json').send('{"text": ').expect(400);
    // worded in the caller's language, the Chinese without English words
    expect(bad.body.error).toEqual({ code: 'bad_request', message: '请求无效：请求体不是有效的 JSON 对象或数组' });
    const badEn = await request(f.server).post('/api/v1/broadcasts').set(auth(f.adminToken)).set('Accept-Language', 'en').set('Content-Type', 'application/json').send('{"text": ').expect(400);
    expect(badEn.body.error.message).toBe('Bad request: the body is not a JSON object or array');
    const far = await request(f.server).post('/api/v1/broadcasts').set(auth(f.adminToken)).send({ text: '通知', scope: 'street', at: '9999-12-31T00:00:00Z' }).expect(400);
    expect(far.body.error).toMatchObject({ code: 'validation', message: '参数有误：定时发送时间须在一年之内' });
    const farEn = await request(f.server).post('/api/v1/broadcasts').set(auth(f.adminToken)).set('Accept-Language', 'en').send({ text: '通知', scope: 'street', at: '9999-12-31T00:00:00Z' }).expect(400);
    expect(farEn.body.error.message).toBe('Invalid parameters: at must be within a year from now');
  });
});

describe('a store that cannot write (issue 12)', () => {
  it('answers 503 storage_unavailable, /healthz says ok:false, and both recover once writes succeed', async () => {
    let full = true;
    const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    // the disk fills: every write of the real store fails as the file system would say
    const realInsert = f.store.broadcasts.insert.bind(f.store.broadcasts);
    const realSeq = f.store.nextSequence.bind(f.store);
    f.store.broadcasts.insert = async (d) => { if (full) throw enospc(); return realInsert(d); };
    (f.store as { nextSequence: typeof realSeq }).nextSequence = async (n) => { if (full) throw enospc(); return realSeq(n); };

    await request(f.server).get('/healthz').expect(200);
    const r = await request(f.server).post('/api/v1/broadcasts').set(auth(f.adminToken)).send({ text: '冬季消防提醒', scope: 'street' }).expect(503);
    expect(r.body.error).toMatchObject({ code: 'storage_unavailable', message: expect.stringContaining('数据库') });
    expect((await request(f.server).get('/healthz').expect(503)).body.ok).toBe(false);
    full = false;
    expect((await request(f.server).get('/healthz').expect(200)).body.ok).toBe(true);
    await request(f.server).post('/api/v1/broadcasts').set(auth(f.adminToken)).send({ text: '冬季消防提醒', scope: 'street' }).expect(201);
  });

  it('says ok:false while the store\'s disk is all but full (small writes may still fit; an import does not), and ok again once there is room', async () => {
    const real = fs.statfs.bind(fs);
    let freeBlocks: number | null = 100; // of 4 KB: 400 KB left
    const spy = jest.spyOn(fs, 'statfs').mockImplementation((async (p: string) => {
      const s = await real(p);
      return freeBlocks === null ? s : { ...s, bsize: 4096, bavail: freeBlocks };
    }) as typeof fs.statfs);
    try {
      expect((await request(f.server).get('/healthz').expect(503)).body.ok).toBe(false);
      freeBlocks = null; // this machine's real free space
      expect((await request(f.server).get('/healthz').expect(200)).body.ok).toBe(true);
      expect(spy).toHaveBeenCalledWith(f.dir);
    } finally {
      spy.mockRestore();
    }
  });
});
