/**
 * Calendar months as "YYYY-MM" text and as a running index (year × 12 + month − 1), so that ranges,
 * shifts and lengths are integer arithmetic instead of Date objects (which bring time zones into
 * what is purely a calendar question).
 */

const MONTH_TEXT = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** A month "YYYY-MM" and both ends of a range are inclusive. */
export interface MonthRange {
  from: string;
  to: string;
}

/**
 * A month a request may name: years from 1000 (PostgreSQL has no year 0, so "0000-01" would fail
 * as a date in the database instead of as input). Computed months (a range reaching back) may go
 * lower; {@link monthIndex} accepts them.
 */
export function isMonth(text: string): boolean {
  return MONTH_TEXT.test(text) && text >= '1000';
}

/** The running index of a valid "YYYY-MM"; callers validate with {@link isMonth} first. */
export function monthIndex(month: string): number {
  const match = MONTH_TEXT.exec(month);
  if (!match) throw new RangeError(`not a month: ${month}`);
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

export function monthFromIndex(index: number): string {
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

export function addMonths(month: string, count: number): string {
  return monthFromIndex(monthIndex(month) + count);
}

/** Number of months in an inclusive range (0 when `to` precedes `from`). */
export function rangeLength(range: MonthRange): number {
  return Math.max(0, monthIndex(range.to) - monthIndex(range.from) + 1);
}

/** Every month of an inclusive range, oldest first. */
export function monthsOf(range: MonthRange): string[] {
  const start = monthIndex(range.from);
  return Array.from({ length: rangeLength(range) }, (_, offset) => monthFromIndex(start + offset));
}

/** "YYYY-MM" strings compare correctly as text, which keeps range tests allocation-free. */
export function inRange(month: string, range: MonthRange): boolean {
  return month >= range.from && month <= range.to;
}
