/**
 * The rooms of the several-accounts test (SPEC §4): three bot accounts A, B and C, thirty
 * rooms, each with one or two of them as members. Rooms 0–8 have one member account
 * (A, B, C in turn), rooms 9–29 two (AB, BC, CA in turn). A group is bound by its first member.
 */
export const ACCOUNTS = ['A', 'B', 'C'] as const;
export type Account = (typeof ACCOUNTS)[number];
export const ROOMS = 30;
export const roomId = (i: number): string => `room-${i}@chatroom`;
export const wxid = (a: Account): string => `wxid-${a}`;
export const LANDLORD = 'wxid-landlord';
const PAIRS: Account[][] = [['A', 'B'], ['B', 'C'], ['C', 'A']];
export function membersOf(i: number): Account[] {
  return i < 9 ? [ACCOUNTS[i % 3]!] : PAIRS[i % 3]!;
}
export const roomIndex = (id: string): number => Number(/^room-(\d+)@/.exec(id)![1]);
