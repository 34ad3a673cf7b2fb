import { findOperatorKey } from '../../src/http/reject-operators';

describe('findOperatorKey', () => {
  it.each([
    [{ scope: { $gt: '' } }, '$gt'],
    [{ 'code[$gt]': '' }, 'code[$gt]'],
    [{ 'a.$where': 1 }, 'a.$where'],
    [{ list: [{ ok: 1 }, { nested: { $ne: null } }] }, '$ne'],
  ])('finds the operator in %j', (input, key) => {
    expect(findOperatorKey(input)).toBe(key);
  });
  it('lets ordinary input through, including dollar signs in values', () => {
    expect(findOperatorKey({ text: '$100 reward', price: '￥5', 'a$b': 1, list: ['$gt'] })).toBeUndefined();
    expect(findOperatorKey(null)).toBeUndefined();
  });
});
