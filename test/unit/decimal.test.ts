import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatAmount, parseAmount, parseAmountText, parseScaled, toAmount } from '../../src/domain/money.js';
import { parseCents, parseRate, rateNumber } from '../../src/domain/plans/units.js';

/** Every amount the platform accepts, as cents. */
const validCents = fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 });
/** Rates of up to 15 significant digits in micro-units: their JSON numbers print exactly. */
const micro = fc.bigInt({ min: -(10n ** 15n) + 1n, max: 10n ** 15n - 1n });

/** `units` / 10^decimals written out as plain decimal text, e.g. (-1234n, 3) → "-1.234". */
function decimalText(units: bigint, decimals: number): string {
  const digits = (units < 0n ? -units : units).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  return `${units < 0n ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

describe('parseScaled: the one decimal parser behind amounts and plan rates', () => {
  it('reads the examples both callers rely on', () => {
    assert.equal(parseScaled(0.08, 6), 80_000n);
    assert.equal(parseScaled('0.08', 6), 80_000n);
    assert.equal(parseScaled(' 0.10000000 ', 6), 100_000n);
    assert.equal(parseScaled(0.1234567, 6), null);
    assert.equal(parseScaled(1.005, 2), null);
    assert.equal(parseScaled(-250, 2), -25_000n);
    assert.equal(parseScaled('2.5e2', 0), 250n);
    assert.equal(parseScaled(Number.NaN, 2), null);
  });

  it('parse(format(x)) = x at any scale, and one more nonzero place is refused', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 8 }), (units, decimals) => {
        const text = decimalText(units, decimals);
        assert.equal(parseScaled(text, decimals), units, text);
        // Same value with one more place: still exact (a trailing zero), and read at one more scale.
        assert.equal(parseScaled(`${text}${decimals === 0 ? '.' : ''}0`, decimals), units);
        assert.equal(parseScaled(text, decimals + 1), units * 10n);
        const longer = decimalText(units * 10n + (units < 0n ? -7n : 7n), decimals + 1);
        assert.equal(parseScaled(longer, decimals), null, longer);
      }),
    );
  });

  it('keeps the amount behaviour: cents from JSON numbers and CSV text agree with parseScaled(…, 2)', () => {
    fc.assert(
      fc.property(validCents, (cents) => {
        assert.equal(parseAmount(toAmount(cents)), cents);
        assert.equal(parseAmountText(formatAmount(cents)), cents);
        assert.equal(parseScaled(toAmount(cents), 2), BigInt(cents));
        assert.equal(parseScaled(formatAmount(cents), 2), BigInt(cents));
        assert.equal(parseCents(toAmount(cents)), BigInt(cents));
      }),
    );
  });

  it('keeps the rate behaviour: parseRate(rateNumber(m)) = m and text reads the same as the number', () => {
    fc.assert(
      fc.property(micro, (m) => {
        assert.equal(parseRate(rateNumber(m)), m);
        assert.equal(parseRate(decimalText(m, 6)), m);
        assert.equal(parseScaled(rateNumber(m), 6), m);
      }),
    );
  });

  it('refuses out-of-range amounts that parseScaled itself still reads', () => {
    // 1e13 is 10^15 cents: a decimal, but no amount.
    assert.equal(parseScaled(1e13, 2), 10n ** 15n);
    assert.equal(parseAmount(1e13), null);
    assert.equal(parseAmountText('10000000000000'), null);
    assert.equal(parseAmount(9_999_999_999_999.99), 999_999_999_999_999);
  });
});
