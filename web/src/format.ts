const money0 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const money2 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const integer = new Intl.NumberFormat('en-US');

export const formatMoney = (value: number | null | undefined, cents = false) =>
  value === null || value === undefined ? '—' : (cents ? money2 : money0).format(value);
export const formatCompactMoney = (value: number) => `$${compact.format(value)}`;
export const formatInt = (value: number | null | undefined) => (value === null || value === undefined ? '—' : integer.format(value));
/** A percentage given as a percent (14.3). */
export const formatPct = (value: number | null | undefined, digits = 1) => (value === null || value === undefined ? '—' : `${value.toFixed(digits)}%`);
/** A rate given as a fraction (0.138). */
export const formatRate = (value: number | null | undefined, digits = 1) => (value === null || value === undefined ? '—' : `${(value * 100).toFixed(digits)}%`);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** 2025-09 → "Sep 2025". */
export function formatMonth(month: string): string {
  const [year, index] = month.split('-');
  return `${MONTHS[Number(index) - 1] ?? index} ${year}`;
}
/** 2025-09 → "Sep ’25": for chart axes. */
export function shortMonth(month: string): string {
  const [year, index] = month.split('-');
  return `${MONTHS[Number(index) - 1] ?? index} ’${(year ?? '').slice(2)}`;
}

/** Every month from `from` to `to` inclusive (YYYY-MM). */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [year, month] = from.split('-').map(Number) as [number, number];
  const [endYear, endMonth] = to.split('-').map(Number) as [number, number];
  while (year < endYear || (year === endYear && month <= endMonth)) {
    out.push(`${year}-${String(month).padStart(2, '0')}`);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
    if (out.length > 1200) break;
  }
  return out;
}

/** "1 agent", "2 agents". */
export const plural = (count: number, word: string, many = `${word}s`) => `${integer.format(count)} ${count === 1 ? word : many}`;
