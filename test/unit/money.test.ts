import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  decimalOf,
  formatAmount,
  parseAmount,
  parseAmountText,
  percentOf,
  roundDecimal,
  roundHalfUpDiv,
  sumCents,
  toAmount,
} from '../../src/domain/money.js';

/** Every amount the platform accepts, as cents. */
const validCents = fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 });

describe('parseAmount', () => {
  it('reads whole amounts, cents and clawbacks exactly', () => {
    assert.equal(parseAmount(92000), 9_200_000);
    assert.equal(parseAmount(97539.31), 9_753_931);
    assert.equal(parseAmount(-250), -25_000);
    assert.equal(parseAmount(0.05), 5);
    assert.equal(parseAmount(0), 0);
  });

  it('never yields negative zero', () => {
    assert.ok(Object.is(parseAmount(-0), 0));
  });

  it('reads the decimal a float stands for, not the float', () => {
    // 0.1 + 0.2 is 0.30000000000000004: more than 2 decimals, so not an amount.
    assert.equal(parseAmount(0.1 + 0.2), null);
    assert.equal(parseAmount(0.3), 30);
    assert.equal(parseAmount(1.1 + 2.2), null);
    assert.equal(parseAmount(3.3), 330);
    // 1.005 * 100 is 100.49999999999999; a rounding parser would silently turn it into 1.00.
    assert.equal(parseAmount(1.005), null);
    assert.equal(parseAmount(1.15), 115);
    assert.equal(parseAmount(4.35), 435);
  });

  it('rejects exponent forms that hide extra decimals', () => {
    assert.equal(parseAmount(1e-7), null);
    assert.equal(parseAmount(-1.5e-9), null);
  });

  it('its fast path agrees with reading the shortest text, for any double', () => {
    // The reference: String(value) is the shortest round-tripping text; an amount is one with at
    // most two decimals and no exponent, below 1e13 in magnitude, its cents read off the digits.
    const reference = (value: number): number | null => {
      const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(value));
      if (!match) return null;
      const cents = BigInt(match[2]! + (match[3] ?? '').padEnd(2, '0'));
      if (cents >= 10n ** 15n) return null;
      return match[1] === '-' && cents !== 0n ? -Number(cents) : Number(cents);
    };
    const doubles = fc.oneof(
      fc.double({ noNaN: false }),
      validCents.map((cents) => cents / 100),
      fc.integer({ min: -(10 ** 9), max: 10 ** 9 }).map((mills) => mills / 1000),
      fc.integer({ min: -(10 ** 15), max: 10 ** 15 }).map((cents) => cents / 100 + 1e-9),
      fc.constantFrom(1.005, 0.1 + 0.2, 9_999_999_999_999.99, 1e13, -1e13, 0.015, 2.675, 1e-7),
    );
    fc.assert(fc.property(doubles, (value) => Object.is(parseAmount(value), reference(value))), { numRuns: 20_000 });
  });

  it('rejects huge and non-finite amounts', () => {
    assert.equal(parseAmount(9_999_999_999_999.99), 999_999_999_999_999);
    assert.equal(parseAmount(1e13), null);
    assert.equal(parseAmount(-1e13), null);
    assert.equal(parseAmount(1e21), null);
    assert.equal(parseAmount(Number.MAX_VALUE), null);
    assert.equal(parseAmount(Number.NaN), null);
    assert.equal(parseAmount(Number.POSITIVE_INFINITY), null);
  });
});

describe('parseAmountText', () => {
  it('accepts what an accountant writes', () => {
    assert.equal(parseAmountText('-250.00'), -25_000);
    assert.equal(parseAmountText('1234.5'), 123_450);
    assert.equal(parseAmountText('1234'), 123_400);
    assert.equal(parseAmountText(' 12.34 '), 1234);
    assert.equal(parseAmountText('0.05'), 5);
  });

  it('rejects separators, currency, exponents, blanks and extra decimals', () => {
    for (const text of ['1,234', '$5', '1e3', '', '   ', '1.005', '+5', '.5', '5.', '--5', '1 234', 'NaN', 'Infinity', '10000000000000']) {
      assert.equal(parseAmountText(text), null, text);
    }
  });
});

describe('toAmount and formatAmount', () => {
  it('writes JSON numbers and fixed two-decimal text', () => {
    assert.equal(toAmount(9_753_931), 97539.31);
    assert.equal(toAmount(-25_000), -250);
    assert.equal(formatAmount(-25_000), '-250.00');
    assert.equal(formatAmount(5), '0.05');
    assert.equal(formatAmount(-5), '-0.05');
    assert.equal(formatAmount(0), '0.00');
    assert.equal(formatAmount(123_450), '1234.50');
    assert.equal(formatAmount(999_999_999_999_999), '9999999999999.99');
  });

  it('round-trips every valid amount: cents → number → cents and cents → text → cents', () => {
    fc.assert(
      fc.property(validCents, (cents) => {
        assert.equal(parseAmount(toAmount(cents)), cents);
        assert.equal(parseAmountText(formatAmount(cents)), cents);
        assert.equal(String(toAmount(cents)), String(Number(formatAmount(cents))));
      }),
    );
  });
});

describe('sumCents', () => {
  it('adds amounts that floats get wrong', () => {
    const amounts = [0.1, 0.2, 97539.31, -250, 0.7];
    const cents = amounts.map((a) => parseAmount(a) ?? Number.NaN);
    assert.equal(sumCents(cents), 9_729_031);
    assert.equal(toAmount(sumCents(cents)), 97290.31);
    assert.equal(toAmount(sumCents([10, 20])), 0.3);
    assert.notEqual(0.1 + 0.2, 0.3);
    assert.equal(sumCents([]), 0);
  });

  it('is exact for any list of valid amounts whose total stays representable', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(10 ** 12), max: 10 ** 12 }), { maxLength: 200 }), (values) => {
        const exact = values.reduce((sum, v) => sum + BigInt(v), 0n);
        assert.equal(BigInt(sumCents(values)), exact);
        // The same list read back from JSON numbers gives the same total.
        assert.equal(sumCents(values.map((v) => parseAmount(toAmount(v)) ?? Number.NaN)), sumCents(values));
      }),
    );
  });
});

describe('roundHalfUpDiv', () => {
  it('rounds halves away from zero', () => {
    assert.equal(roundHalfUpDiv(5n, 2n), 3n);
    assert.equal(roundHalfUpDiv(-5n, 2n), -3n);
    assert.equal(roundHalfUpDiv(5n, -2n), -3n);
    assert.equal(roundHalfUpDiv(-5n, -2n), 3n);
    assert.equal(roundHalfUpDiv(7n, 3n), 2n);
    assert.equal(roundHalfUpDiv(8n, 3n), 3n);
    assert.equal(roundHalfUpDiv(-7n, 3n), -2n);
    assert.equal(roundHalfUpDiv(0n, 7n), 0n);
    // Below a half, either sign: the magnitude rounds down; the sign is that of the exact quotient.
    assert.equal(roundHalfUpDiv(7n, -3n), -2n);
    assert.equal(roundHalfUpDiv(-7n, -3n), 2n);
    assert.equal(roundHalfUpDiv(-8n, 3n), -3n);
    assert.equal(roundHalfUpDiv(8n, -3n), -3n);
    assert.equal(roundHalfUpDiv(0n, -7n), 0n);
  });

  it('is within half a unit of the exact quotient and symmetric in sign', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), (n, d) => {
        const q = roundHalfUpDiv(n, d);
        const distance = n - q * d; // exact quotient minus q, times d
        assert.ok(2n * (distance < 0n ? -distance : distance) <= d);
        assert.equal(roundHalfUpDiv(-n, d), -q);
        assert.equal(roundHalfUpDiv(n, -d), -q);
        assert.equal(roundHalfUpDiv(-n, -d), q);
      }),
    );
  });
});

describe('percentOf', () => {
  it('rounds half-up at the requested decimals with exact arithmetic', () => {
    assert.equal(percentOf(5, 26), 19.2); // 19.230...
    assert.equal(percentOf(1, 8), 12.5);
    assert.equal(percentOf(1, 8, 0), 13);
    assert.equal(percentOf(77, 400), 19.3); // exactly 19.25 rounds up
    assert.equal(percentOf(-77, 400), -19.3);
    assert.equal(percentOf(9_753_931, 68_204_300), 14.3);
    assert.equal(percentOf(1, 3, 2), 33.33);
    assert.equal(percentOf(2, 3, 2), 66.67);
    assert.equal(percentOf(5, 0), null);
  });
});

describe('roundDecimal', () => {
  it('rounds the decimal the number stands for', () => {
    assert.equal(roundDecimal(14.25, 1), 14.3);
    assert.equal(roundDecimal(14.3, 1), 14.3);
    assert.equal(roundDecimal(14, 1), 14);
    assert.equal(roundDecimal(-0.05, 1), -0.1);
    assert.equal(roundDecimal(Number.NaN, 1), null);
  });
});

describe('decimalOf: the one decimal parser (amounts here, rates in plans/units.ts)', () => {
  it('reads numbers through their shortest text and strings as written, reduced', () => {
    assert.deepEqual(decimalOf(0.1), { units: 1n, scale: 1 });
    assert.deepEqual(decimalOf(-250), { units: -250n, scale: 0 });
    // 1e21 prints as "1e+21"; 1.5e-7 as "1.5e-7".
    assert.deepEqual(decimalOf(1e21), { units: 10n ** 21n, scale: 0 });
    assert.deepEqual(decimalOf(1.5e-7), { units: 15n, scale: 8 });
    assert.deepEqual(decimalOf(' 0.10000000 '), { units: 1n, scale: 1 });
    assert.deepEqual(decimalOf('2.5E2'), { units: 250n, scale: 0 });
    assert.deepEqual(decimalOf('-0.080'), { units: -8n, scale: 2 });
  });

  it('refuses what is not a finite decimal', () => {
    for (const bad of [Number.NaN, Infinity, '', ' ', '1,000', '$5', '0x10', '1e401', '.5', '5.', 'abc', null, undefined, 5n, {}]) {
      assert.equal(decimalOf(bad), null, String(bad));
    }
    // 40 characters are read; 41 are not.
    assert.deepEqual(decimalOf('1'.repeat(40)), { units: BigInt('1'.repeat(40)), scale: 0 });
    assert.equal(decimalOf('1'.repeat(41)), null);
  });

  it('reads exponents up to 400 either way and refuses larger ones before building 10^exp', () => {
    assert.deepEqual(decimalOf('1e400'), { units: 10n ** 400n, scale: 0 });
    assert.deepEqual(decimalOf('1e-400'), { units: 1n, scale: 400 });
    assert.deepEqual(decimalOf('-2.5e-400'), { units: -25n, scale: 401 });
    assert.equal(decimalOf('1e401'), null);
    assert.equal(decimalOf('1e-401'), null);
    assert.equal(decimalOf('1e99999999999999999999'), null);
    assert.equal(decimalOf('1e-99999999999999999999'), null);
  });
});
