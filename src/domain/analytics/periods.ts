/**
 * The `period` of an analytics request turned into an inclusive month range. "Now" is the latest
 * month with data (a tenant that imported through September asks about September, whatever the
 * calendar says) unless `as_of` pins it. Bad input comes back as a {@link PeriodError} value, never
 * an exception: it is the user's mistake to report, not the server's.
 */
import { addMonths, isMonth, monthIndex, rangeLength, type MonthRange } from './months.js';

export type { MonthRange } from './months.js';

const PERIOD_KEYWORDS = ['mtd', 'qtd', 'ytd', 'last_12m', 'all'] as const;
export type PeriodKeyword = (typeof PERIOD_KEYWORDS)[number];

/** Used when a request names no period: a rolling year is comparable month to month. */
export const DEFAULT_PERIOD: PeriodKeyword = 'last_12m';

export interface PeriodQuery {
  period?: string | undefined;
  /** YYYY-MM, inclusive; with `to`, an explicit range instead of `period`. */
  from?: string | undefined;
  to?: string | undefined;
  /** YYYY-MM or YYYY-MM-DD: the month that counts as "now". */
  as_of?: string | undefined;
}

export interface ResolvedPeriod extends MonthRange {
  /** What was asked, normalised: "ytd", "2025-Q3", "2024-01..2024-06". */
  label: string;
  /** The month taken as "now"; forecasts look forward from it. */
  now: string;
}

export interface PeriodError {
  kind: 'period_error';
  field: 'period' | 'from' | 'to' | 'as_of';
  code: 'invalid_period' | 'invalid_month' | 'invalid_range' | 'conflicting_parameters' | 'no_data';
  message: string;
}

export type PeriodResolution = { ok: true; period: ResolvedPeriod } | { ok: false; error: PeriodError };

export interface DataSpan {
  first: string;
  last: string;
}

// Years from 1000, as in isMonth: PostgreSQL has no year 0.
const YEAR = /^([1-9]\d{3})$/;
const QUARTER = /^([1-9]\d{3})-q([1-4])$/;
const DATE = /^([1-9]\d{3}-(?:0[1-9]|1[0-2]))-(\d{2})$/;

function fail(field: PeriodError['field'], code: PeriodError['code'], message: string): PeriodResolution {
  return { ok: false, error: { kind: 'period_error', field, code, message } };
}

/** User text echoed in messages, bounded so an error never becomes a megabyte of reflected input. */
function quoted(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function daysIn(month: string): number {
  const index = monthIndex(month);
  return new Date(Date.UTC(Math.floor(index / 12), (index % 12) + 1, 0)).getUTCDate();
}

/** The month of an `as_of` value, or null when it is neither a month nor a real calendar date. */
function asOfMonth(text: string): string | null {
  if (isMonth(text)) return text;
  const match = DATE.exec(text);
  if (!match) return null;
  const [, month = '', day = ''] = match;
  const dayNumber = Number(day);
  return dayNumber >= 1 && dayNumber <= daysIn(month) ? month : null;
}

function quarterStart(month: string): string {
  const index = monthIndex(month);
  return addMonths(month, -(index % 3));
}

function yearStart(month: string): string {
  return `${month.slice(0, 4)}-01`;
}

/** A calendar period that contains "now" ends at now, so "2025" as of June equals year-to-date. */
function calendar(from: string, to: string, now: string | null): MonthRange {
  return { from, to: now !== null && now >= from && now < to ? now : to };
}

const NO_DATA = 'there is no commission data yet, so there is no "now" to count from; give as_of or an explicit range';

/**
 * Resolves a request's period against the tenant's data span (null when it has no data). Either
 * `period` or `from`/`to` may be given, not both; neither means {@link DEFAULT_PERIOD}.
 */
export function resolvePeriod(query: PeriodQuery, span: DataSpan | null): PeriodResolution {
  let now: string | null = span?.last ?? null;
  if (query.as_of !== undefined) {
    const month = asOfMonth(query.as_of.trim());
    if (month === null) return fail('as_of', 'invalid_month', `as_of must be YYYY-MM or YYYY-MM-DD; got ${quoted(query.as_of)}`);
    now = month;
  }

  if (query.from !== undefined || query.to !== undefined) {
    if (query.period !== undefined) {
      return fail('period', 'conflicting_parameters', 'give either period or from/to, not both');
    }
    return explicitRange(query.from?.trim(), query.to?.trim(), now, span);
  }

  const period = (query.period ?? DEFAULT_PERIOD).trim().toLowerCase();
  const resolved = (range: MonthRange, label: string, at: string | null = now): PeriodResolution => ({
    ok: true,
    period: { ...range, label, now: at ?? range.to },
  });

  if ((PERIOD_KEYWORDS as readonly string[]).includes(period)) {
    if (now === null) return fail('period', 'no_data', NO_DATA);
    switch (period as PeriodKeyword) {
      case 'mtd':
        return resolved({ from: now, to: now }, 'mtd');
      case 'qtd':
        return resolved({ from: quarterStart(now), to: now }, 'qtd');
      case 'ytd':
        return resolved({ from: yearStart(now), to: now }, 'ytd');
      case 'last_12m':
        return resolved({ from: addMonths(now, -11), to: now }, 'last_12m');
      case 'all': {
        const first = span && span.first < now ? span.first : now;
        return resolved({ from: first, to: now }, 'all');
      }
    }
  }

  const year = YEAR.exec(period);
  if (year) return resolved(calendar(`${year[1]}-01`, `${year[1]}-12`, now), `${year[1]}`);

  const quarter = QUARTER.exec(period);
  if (quarter) {
    const first = `${quarter[1]}-${String((Number(quarter[2]) - 1) * 3 + 1).padStart(2, '0')}`;
    return resolved(calendar(first, addMonths(first, 2), now), `${quarter[1]}-Q${quarter[2]}`);
  }

  if (isMonth(period)) return resolved({ from: period, to: period }, period);

  return fail(
    'period',
    'invalid_period',
    `period must be one of mtd, qtd, ytd, last_12m, all, YYYY, YYYY-Qn or YYYY-MM; got ${quoted(query.period ?? '')}`,
  );
}

function explicitRange(
  from: string | undefined,
  to: string | undefined,
  now: string | null,
  span: DataSpan | null,
): PeriodResolution {
  if (from !== undefined && !isMonth(from)) return fail('from', 'invalid_month', `from must be YYYY-MM; got ${quoted(from)}`);
  if (to !== undefined && !isMonth(to)) return fail('to', 'invalid_month', `to must be YYYY-MM; got ${quoted(to)}`);
  // An open end runs to "now" or back to the first month with data.
  const end = to ?? now;
  const start = from ?? span?.first ?? end;
  if (end === null || start === null) return fail(from === undefined ? 'from' : 'to', 'no_data', NO_DATA);
  if (start > end) return fail('from', 'invalid_range', `from (${start}) is after to (${end})`);
  return { ok: true, period: { from: start, to: end, label: `${start}..${end}`, now: now ?? end } };
}

/** The same months one year earlier. */
export function yearEarlier(range: MonthRange): MonthRange {
  return { from: addMonths(range.from, -12), to: addMonths(range.to, -12) };
}

/** The period of equal length that ends the month before this one starts. */
export function precedingPeriod(range: MonthRange): MonthRange {
  const length = rangeLength(range);
  return { from: addMonths(range.from, -length), to: addMonths(range.from, -1) };
}

/** Both ends of a range inside the data span: a comparison against months never imported is no comparison. */
export function coveredBy(range: MonthRange, span: DataSpan | null): boolean {
  return span !== null && range.from >= span.first && range.to <= span.last && monthIndex(range.from) <= monthIndex(range.to);
}
