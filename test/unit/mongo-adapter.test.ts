/** What can be checked of the MongoDB adapter without a server: schemas, indexes, sanitising, query shapes, errors. */
import { sanitizeFilter } from 'mongoose';
import { DomainError } from '../../src/domain/errors';
import { toMongoFilter, toMongoSort } from '../../src/storage/mongo/mongo-filter';
import { toMongooseSchema } from '../../src/storage/mongo/mongo-schema';
import { createMongoose } from '../../src/storage/mongo/mongo-store';
import { translateMongoError } from '../../src/storage/mongo/translate-error';
import { SPECS } from '../../src/storage/schema';

const m = createMongoose();
const trusted = <O extends object>(o: O) => m.trusted(o);

describe('mongoose instance', () => {
  it('sanitises filters and throws on unknown query fields', () => {
    expect(m.get('sanitizeFilter')).toBe(true);
    expect(m.get('strictQuery')).toBe('throw');
  });
});

describe('toMongooseSchema', () => {
  it('declares every spec field with its type, string _id, and required non-null fields', () => {
    for (const spec of Object.values(SPECS)) {
      const schema = toMongooseSchema(spec as never);
      expect(schema.path('_id').instance).toBe('String');
      for (const [field, def] of Object.entries(spec.fields) as [string, string][]) {
        const p = schema.path(field);
        expect(p).toBeDefined();
        const expected = { string: 'String', int: 'Number', number: 'Number', bool: 'Boolean', date: 'Date', json: 'Mixed' }[def.replace('?', '')];
        expect(p.instance).toBe(expected);
        if (def.endsWith('?')) expect(p.isRequired).toBeFalsy();
      }
    }
    expect(toMongooseSchema(SPECS.houses as never).path('code').isRequired).toBe(true);
  });

  it('declares every unique key and index of the spec', () => {
    for (const spec of Object.values(SPECS)) {
      const indexes = toMongooseSchema(spec as never).indexes();
      for (const key of spec.unique ?? []) {
        const found = indexes.find(([fields]) => JSON.stringify(Object.keys(fields)) === JSON.stringify(key));
        expect(found?.[1]).toMatchObject({ unique: true });
      }
      for (const key of spec.indexes ?? []) {
        expect(indexes.some(([fields]) => JSON.stringify(Object.keys(fields)) === JSON.stringify(key.map((k) => (k === 'id' ? '_id' : k))))).toBe(true);
      }
    }
  });

  it('a unique key on one nullable field is partial (nulls do not collide), as in SQLite', () => {
    const room = toMongooseSchema(SPECS.groups as never).indexes().find(([f]) => 'roomId' in f);
    expect(room?.[1]).toEqual({ unique: true, partialFilterExpression: { roomId: { $type: 'string' } } });
    const code = toMongooseSchema(SPECS.houses as never).indexes().find(([f]) => 'code' in f);
    expect(code?.[1]).toEqual({ unique: true });
  });
});

describe('toMongoFilter', () => {
  it('maps id to _id and operators to trusted $-operators', () => {
    const f = toMongoFilter({ id: 'x1', tenants: { gte: 10, lt: 20 }, code: { in: ['A', 'B'] }, contactId: null, skip: undefined }, trusted);
    // our operators carry mongoose's trusted mark, so sanitizeFilter leaves them as they are
    const expected = { _id: 'x1', tenants: trusted({ $gte: 10, $lt: 20 }), code: trusted({ $in: ['A', 'B'] }), contactId: null };
    expect(f).toEqual(expected);
    expect(sanitizeFilter(f)).toEqual(expected);
  });

  it('treats an injected operator object as a value, which sanitizeFilter neutralises', () => {
    const hostile = { code: { $gt: '' } as unknown };
    const f = toMongoFilter(hostile as Record<string, unknown>, trusted);
    expect(sanitizeFilter(f)).toEqual({ code: { $eq: { $gt: '' } } });
    const where = toMongoFilter({ name: { $where: 'sleep(1000)' } } as Record<string, unknown>, trusted);
    expect(sanitizeFilter(where)).toEqual({ name: { $eq: { $where: 'sleep(1000)' } } });
  });

  it('keeps dates as dates and sorts end on _id', () => {
    const d = new Date('2026-11-01T00:00:00Z');
    expect(toMongoFilter({ deadline: { lt: d } }, trusted)).toEqual({ deadline: trusted({ $lt: d }) });
    // the tie-breaker runs the way the first key does (an index (…, tenants, _id) serves it)
    expect(toMongoSort({ tenants: -1 })).toEqual({ tenants: -1, _id: -1 });
    expect(toMongoSort({ tenants: 1 })).toEqual({ tenants: 1, _id: 1 });
    expect(toMongoSort({ id: -1 })).toEqual({ _id: -1 });
    expect(toMongoSort(undefined)).toEqual({ _id: 1 });
  });
});

describe('translateMongoError', () => {
  it('turns E11000 into the same conflict the SQLite adapter gives', () => {
    const e = translateMongoError(Object.assign(new Error('E11000 duplicate key'), { code: 11000 }), 'houses');
    expect(e).toBeInstanceOf(DomainError);
    expect(e).toMatchObject({ code: 'conflict' });
  });
  it('turns lost connections into storage_unavailable and leaves others alone', () => {
    expect(translateMongoError(Object.assign(new Error('x'), { name: 'MongoServerSelectionError' }), 'h')).toMatchObject({ code: 'storage_unavailable' });
    for (const name of ['MongooseServerSelectionError', 'MongoNetworkTimeoutError', 'MongoTopologyClosedError', 'MongoPoolClearedError']) {
      expect(translateMongoError(Object.assign(new Error('x'), { name }), 'h')).toMatchObject({ code: 'storage_unavailable' });
    }
    expect(translateMongoError(Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write' }), 'h')).toMatchObject({ code: 'storage_unavailable' });
    expect(translateMongoError(new Error('Operation `houses.find()` buffering timed out after 10000ms'), 'h')).toMatchObject({ code: 'storage_unavailable' });
    const other = new Error('other');
    expect(translateMongoError(other, 'h')).toBe(other);
  });
});
