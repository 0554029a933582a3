/**
 * The printable statement page (src/domain/payouts/statement-html.ts) as a pure function: branding
 * only when white-labelled and only values that cannot break out of their attribute, exact amounts
 * grouped by thousands without losing a decimal, dates in words.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, groupedDecimal, longDate, statementHtml } from '../../src/domain/payouts/statement-html.js';
import type { PayoutStatementView } from '../../src/schemas/payouts.js';

const VIEW: PayoutStatementView = {
  month: '2025-09',
  status: 'approved',
  approved_at: '2025-10-01T23:30:00.000Z',
  approved_by: 'user-1',
  approved_by_email: null,
  statement: {
    payee: 'Kyle Singer',
    roles: ['acq'],
    total: 1052.3,
    warnings: ['Draw recovered: 100.00'],
    lines: [{ plan: 'Acq reps', plan_id: 'p', plan_version: 2, component: 'tiers', label: 'Tiers', base: 'GP 10,523.00', rate: '0.1', bracket: '1 of 1', amount: '1052.2999999' }],
  },
};
const PRODUCT = { white_label: false, name: 'Acme', logo_url: 'https://cdn.acme.example/l.svg', primary_color: '#123456', accent_color: null };

describe('statementHtml', () => {
  it('shows the product name, no logo and no colour outside white-label, whatever branding is stored', () => {
    const page = statementHtml(VIEW, PRODUCT);
    assert.match(page, /<header class="brand"><div class="org">Commission Intelligence<\/div><\/header>/);
    assert.doesNotMatch(page, /Acme|<img|#123456/);
  });

  it('drops a logo that is not https and a colour that is not #rrggbb', () => {
    const page = statementHtml(VIEW, { white_label: true, name: 'Acme', logo_url: 'javascript:alert(1)', primary_color: 'red;background:url(x)', accent_color: null });
    assert.match(page, /<header class="brand"><div class="org">Acme<\/div><\/header>/);
  });

  it('names the approver by id when the e-mail is gone, the date in words (UTC), the exact amount grouped', () => {
    const page = statementHtml(VIEW, PRODUCT);
    assert.match(page, /Approved on 1 October 2025 by user-1\./);
    assert.match(page, /<td class="num">1,052\.2999999<\/td>/);
    assert.match(page, /<dd class="total">1,052\.30<\/dd>/);
    assert.match(page, /<li>Draw recovered: 100\.00<\/li>/);
    assert.match(page, /Acq reps v2 · tiers/);
  });

  it('helpers', () => {
    assert.equal(groupedDecimal('1234567.891'), '1,234,567.891');
    assert.equal(groupedDecimal('-250'), '-250');
    assert.equal(groupedDecimal('-1000.5'), '-1,000.5');
    assert.equal(groupedDecimal('abc'), 'abc');
    assert.equal(longDate('2024-02-29T00:00:00Z'), '29 February 2024');
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
