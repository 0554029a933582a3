/**
 * The plan editor's exact text arithmetic, without the DOM (test/unit/plan-editor-text.test.ts):
 * rates move between fractions and percent by shifting the decimal point, never through floating
 * point; bracket bounds move between `from` and `up_to` in whole units of the measure.
 */
type Rate = string | number;
/** A bracket as far as its bounds go. */
interface Bounded {
  from?: number;
  up_to?: number | null;
}

/** Measures that count (a rate on them is an amount per unit, in currency). */
export const COUNT_MEASURES: ReadonlySet<string> = new Set(['deals', 'transactions', 'company_transactions', 'goal_transactions']);

// ---------------------------------------------------------------------------------------------
// Exact text arithmetic: rates move between fractions and percent by shifting the decimal point.

/** A number as plain decimal text (no exponent). */
function plain(value: number): string {
  const text = String(value);
  return /e/i.test(text) ? value.toFixed(20).replace(/\.?0+$/, '') : text;
}

/** Decimal text times 10^places, exactly ("0.033333", 2 → "3.3333"); undefined when not decimal text. */
export function shiftDecimal(text: string, places: number): string | undefined {
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const sign = match[1]!;
  const whole = match[2]!;
  const fraction = match[3] ?? '';
  let digits = whole + fraction;
  let point = whole.length + places;
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits = digits.padEnd(point, '0');
  const int = digits.slice(0, point).replace(/^0+(?=\d)/, '') || '0';
  const frac = digits.slice(point).replace(/0+$/, '');
  const out = frac ? `${int}.${frac}` : int;
  return sign && /[1-9]/.test(out) ? `-${out}` : out;
}

/** A stored rate as the percent the form shows: 0.08 → "8", "0.033333" → "3.3333", "2/3" → "200/3". */
export function ratePercent(rate: Rate): string {
  const text = typeof rate === 'number' ? plain(rate) : rate.trim();
  const slash = text.indexOf('/');
  const numerator = slash >= 0 ? text.slice(0, slash) : text;
  const shifted = shiftDecimal(numerator, 2);
  if (shifted === undefined) return text;
  return slash >= 0 ? `${shifted}/${text.slice(slash + 1).trim()}` : shifted;
}

/**
 * What a typed percent stores: the fraction, exactly; a JSON number when it reads back as the same
 * text, else a decimal string. Text that is no rate is kept as typed, for the server to name.
 */
export function percentRate(text: string): Rate {
  const typed = text.trim().replace(/\s*%$/, '');
  const slash = typed.indexOf('/');
  const numerator = shiftDecimal(slash >= 0 ? typed.slice(0, slash) : typed, -2);
  if (numerator === undefined) return typed;
  if (slash >= 0) return `${numerator}/${typed.slice(slash + 1).trim()}`;
  return String(Number(numerator)) === numerator ? Number(numerator) : numerator;
}

/** An amount per unit as typed: a number when it is one. */
export function amountRate(text: string): Rate {
  const typed = text.trim();
  return typed !== '' && Number.isFinite(Number(typed)) ? Number(typed) : typed;
}

// ---------------------------------------------------------------------------------------------
// Bounds: lower (`from`) and upper (`up_to`) bounds of one table, converted exactly.

/** Smallest step of a measure: a cent of money, one of a count. */
const stepOf = (measure: string | undefined) => (measure && COUNT_MEASURES.has(measure) ? 1 : 100);

/**
 * The same table with the other kind of bounds: for whole cents `from: F` is the previous bracket
 * ending at `up_to: F − 0.01` (for counts F − 1), the first `from` 0 and the last `up_to` open.
 * Undefined when a bound is missing.
 */
export function convertBounds<B extends Bounded>(brackets: readonly B[], measure: string | undefined, to: 'from' | 'up_to'): B[] | undefined {
  const step = stepOf(measure);
  const units = (value: number | null | undefined) => (typeof value === 'number' && Number.isFinite(value) ? Math.round(value * step) : undefined);
  const out: B[] = [];
  for (const [index, bracket] of brackets.entries()) {
    const { from: _from, up_to: _upTo, ...rest } = bracket;
    if (to === 'from') {
      if (index === 0) {
        out.push({ from: 0, ...rest } as unknown as B);
        continue;
      }
      const previous = units(brackets[index - 1]!.up_to);
      if (previous === undefined) return undefined;
      out.push({ from: (previous + 1) / step, ...rest } as unknown as B);
    } else {
      if (index === brackets.length - 1) {
        out.push({ up_to: null, ...rest } as unknown as B);
        continue;
      }
      const next = units(brackets[index + 1]!.from);
      if (next === undefined) return undefined;
      out.push({ up_to: (next - 1) / step, ...rest } as unknown as B);
    }
  }
  return out;
}

