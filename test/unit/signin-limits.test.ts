import { afterFailure, lockedFor, minutesOf, SIGNIN_LIMITS } from '../../src/domain/signin-limits';

const at = (min: number) => new Date(Date.UTC(2026, 11, 7, 2, min));

it('locks a name on its fifth failure within 15 minutes, for 15 minutes', () => {
  let s = null as ReturnType<typeof afterFailure> | null;
  for (let i = 0; i < 4; i++) s = afterFailure(s, at(i), SIGNIN_LIMITS.user);
  expect(s).toMatchObject({ failures: 4, lockedUntil: null });
  expect(lockedFor(s, at(4))).toBe(0);
  s = afterFailure(s, at(4), SIGNIN_LIMITS.user);
  expect(s.lockedUntil).toEqual(at(19));
  expect(lockedFor(s, at(5))).toBe(14 * 60_000);
  expect(minutesOf(lockedFor(s, at(18) ))).toBe(1);
  expect(lockedFor(s, at(19))).toBe(0);
});

it('failures spread wider than the window never lock; a lockout that ran out starts a new count', () => {
  let s = null as ReturnType<typeof afterFailure> | null;
  for (let i = 0; i < 10; i++) s = afterFailure(s, at(i * 4), SIGNIN_LIMITS.user);
  expect(s!.lockedUntil).toBeNull();
  let t = null as ReturnType<typeof afterFailure> | null;
  for (let i = 0; i < 5; i++) t = afterFailure(t, at(i), SIGNIN_LIMITS.user);
  t = afterFailure(t, at(30), SIGNIN_LIMITS.user);
  expect(t).toMatchObject({ failures: 1, lockedUntil: null });
});

it('an address gets 20 failures', () => {
  let s = null as ReturnType<typeof afterFailure> | null;
  for (let i = 0; i < 19; i++) s = afterFailure(s, at(0), SIGNIN_LIMITS.addr);
  expect(s!.lockedUntil).toBeNull();
  expect(afterFailure(s, at(1), SIGNIN_LIMITS.addr).lockedUntil).toEqual(at(16));
});
