/**
 * Efficiency: GP earned per dollar of commission, and how it moved against a comparison period.
 * Comparing a ratio (not totals) keeps a busy season from looking like an efficiency gain: paying
 * 10% more commission for 10% more GP is no gain at all.
 */
import { roundHalfUpDiv } from '../money.js';
import { gpPerCommissionDollar } from './figures.js';
import { rangeLength, type MonthRange } from './months.js';
import { coveredBy, precedingPeriod, yearEarlier, type DataSpan } from './periods.js';
import { totalsIn, type MonthRollup, type RangeTotals } from './rollups.js';

export type EfficiencyComparison = 'year_earlier' | 'preceding_period';

export interface Efficiency {
  /** Signed percentage with one decimal: "+18.4%", "-3.0%", "0.0%"; null when there is nothing to compare. */
  efficiency_gain: string | null;
  /** The same change as a number of percent (18.4); null likewise. */
  efficiency_gain_pct: number | null;
  /** GP per commission dollar in the period, two decimals. */
  gp_per_commission_dollar: number | null;
  comparison: EfficiencyComparison | null;
  comparison_period: MonthRange | null;
  comparison_gp_per_commission_dollar: number | null;
  /** Why the gain is null, in words a user can act on. */
  reason: string | null;
}

/** Ratios only mean something with positive GP and commission on both sides. */
function usable(totals: RangeTotals): boolean {
  return totals.months_with_data > 0 && totals.gp > 0 && totals.commission > 0;
}

/**
 * The gain in percent, tenths exact: (GPn/Cn) / (GPb/Cb) − 1 = (GPn·Cb − Cn·GPb) / (Cn·GPb), in
 * bigint because the products of two amounts leave the safe-integer range.
 */
function gainTenths(current: RangeTotals, base: RangeTotals): number {
  const numerator = BigInt(current.gp) * BigInt(base.commission) - BigInt(current.commission) * BigInt(base.gp);
  const denominator = BigInt(current.commission) * BigInt(base.gp);
  return Number(roundHalfUpDiv(numerator * 1000n, denominator));
}

function signed(tenths: number): string {
  const text = `${(Math.abs(tenths) / 10).toFixed(1)}%`;
  return tenths > 0 ? `+${text}` : tenths < 0 ? `-${text}` : text;
}

/**
 * Efficiency of `range` against the same months a year earlier, which cancels seasonality; when that
 * year is not fully inside the tenant's data (or has no commission), against the preceding period of
 * equal length. Periods longer than 12 months go straight to the preceding period: their "year
 * earlier" would overlap themselves.
 */
export function efficiencyOf(rollups: readonly MonthRollup[], range: MonthRange, span: DataSpan | null): Efficiency {
  const current = totalsIn(rollups, range);
  const none = (reason: string): Efficiency => ({
    efficiency_gain: null,
    efficiency_gain_pct: null,
    gp_per_commission_dollar: gpPerCommissionDollar(current.gp, current.commission),
    comparison: null,
    comparison_period: null,
    comparison_gp_per_commission_dollar: null,
    reason,
  });
  if (current.months_with_data === 0) return none('no commission data in the period');
  if (current.commission <= 0) return none('no commission paid in the period');
  if (current.gp <= 0) return none('no GP earned in the period');

  const options: Array<[EfficiencyComparison, MonthRange]> = [];
  if (rangeLength(range) <= 12) options.push(['year_earlier', yearEarlier(range)]);
  options.push(['preceding_period', precedingPeriod(range)]);

  for (const [comparison, period] of options) {
    if (!coveredBy(period, span)) continue;
    const base = totalsIn(rollups, period);
    if (!usable(base)) continue;
    const tenths = gainTenths(current, base);
    return {
      efficiency_gain: signed(tenths),
      efficiency_gain_pct: tenths / 10,
      gp_per_commission_dollar: gpPerCommissionDollar(current.gp, current.commission),
      comparison,
      comparison_period: period,
      comparison_gp_per_commission_dollar: gpPerCommissionDollar(base.gp, base.commission),
      reason: null,
    };
  }
  const tried = options.map(([, period]) => `${period.from}..${period.to}`).join(' or ');
  return none(`no comparison period with data: ${tried} is not fully covered by imported months with GP and commission`);
}
