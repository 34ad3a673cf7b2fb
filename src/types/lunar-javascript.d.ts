/** The part of lunar-javascript (6tail) this project uses; the package ships no types. */
declare module 'lunar-javascript' {
  export class Solar {
    static fromYmd(year: number, month: number, day: number): Solar;
    next(days: number): Solar;
    toYmd(): string;
    getLunar(): Lunar;
  }
  export class Lunar {
    static fromYmd(lunarYear: number, lunarMonth: number, lunarDay: number): Lunar;
    getSolar(): Solar;
  }
}
