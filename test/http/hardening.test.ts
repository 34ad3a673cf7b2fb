/**
 * Issue 30, item 6, the smaller gaps: the database, photos and admin token are the owner's alone;
 * every response carries a Content-Security-Policy with frame-ancestors 'none'; staff bind codes
 * expire like group codes; the bot's page (its login QR code) is for street admins only.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { bindStaff } from '../../src/services/access/bind-staff';
import { issueBindCode } from '../../src/services/groups/bind-codes';
import { auth, rosterAppFixture } from '../support/app-fixture';
import { uniqueJpeg } from '../support/images';

const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

let f: Awaited<ReturnType<typeof rosterAppFixture>>;
beforeAll(async () => { f = await rosterAppFixture(); });
afterAll(async () => { await f.close(); });

describe('issue 30: hardening', () => {
  it('creates the database 0600 (its WAL too), photo folders 0700 and photo files 0600, the admin token 0600', async () => {
    const h = (await request(f.server).post('/api/v1/hazards').set(auth(f.adminToken)).send({ houseCode: 'P00002', description: '电线老化' }).expect(201)).body;
    await request(f.server).post(`/api/v1/hazards/${h.id}/photos`).set(auth(f.adminToken)).field('kind', 'before').attach('image', uniqueJpeg(), 'a.jpg').expect(201);
    const photo = (await f.store.photos.find({}))[0]!;
    expect(modeOf(path.join(f.dir, 'anxin.db'))).toBe('600');
    expect(modeOf(path.join(f.dir, 'anxin.db-wal'))).toBe('600');
    expect(modeOf(path.join(f.dir, 'photos'))).toBe('700');
    expect(modeOf(path.join(f.dir, 'photos', photo.sha256.slice(0, 2)))).toBe('700');
    expect(modeOf(path.join(f.dir, 'photos', photo.sha256.slice(0, 2), photo.sha256))).toBe('600');
    expect(modeOf(path.join(f.dir, 'admin-token'))).toBe('600');
  });

  it("serves the dashboard, the API and its errors with a Content-Security-Policy and frame-ancestors 'none'; the API reference with its own", async () => {
    for (const [url, status] of [['/', 200], ['/healthz', 200], ['/api/v1/openapi.json', 200], ['/api/v1/houses', 200], ['/api/v1/nope', 404]] as const) {
      const r = await request(f.server).get(url).set(auth(f.adminToken)).expect(status);
      expect([url, r.headers['content-security-policy']]).toEqual([url, expect.stringContaining("frame-ancestors 'none'")]);
      expect(r.headers['content-security-policy']).toContain("script-src 'self'");
      expect(r.headers['x-frame-options']).toBe('DENY');
    }
    const unauth = await request(f.server).get('/api/v1/houses').expect(401);
    expect(unauth.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const docs = await request(f.server).get('/api/docs').expect(200);
    expect(docs.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(docs.headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
  });

  it('staff bind codes expire after 7 days, like group codes', async () => {
    const user = await f.store.users.insert({ name: '网格员', role: 'staff', scope: 'street', contactId: null, active: true });
    const r = await request(f.server).post(`/api/v1/users/${user.id}/bind-code`).set(auth(f.adminToken)).expect(201);
    expect(new Date(r.body.expiresAt).getTime() - f.deps.clock.now().getTime()).toBe(7 * 86_400_000);
    const { code } = await issueBindCode(f.deps, 'staff', user.id);
    const later = { ...f.deps, clock: { now: () => new Date(f.deps.clock.now().getTime() + 7 * 86_400_000 + 1) } };
    await expect(bindStaff(later, { code: r.body.code, wechatId: 'wx-late', name: '网格员' })).rejects.toMatchObject({ code: 'code_invalid' });
    await expect(bindStaff(f.deps, { code, wechatId: 'wx-in-time', name: '网格员' })).resolves.toMatchObject({ id: user.id });
  });

  it('GET /bot (the login QR code) for street admins only', async () => {
    await request(f.server).get('/api/v1/bot').set(auth(f.adminToken)).expect(200);
    for (const [role, scope] of [['staff', 'street'], ['staff', `community:${(await f.store.communities.find({}))[0]!.id}`]] as const) {
      await request(f.server).get('/api/v1/bot').set(auth(await f.userToken(role, scope))).expect(403);
    }
  });
});
