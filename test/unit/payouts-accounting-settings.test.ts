/** Accounting settings as stored (src/domain/payouts/exports/accounting-settings.ts): trimmed, never a formula. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAccountingSettings } from '../../src/domain/payouts/exports/accounting-settings.js';

const FORMULA = 'must not begin with =, +, -, @ (a spreadsheet would read it as a formula)';

describe('checkAccountingSettings', () => {
  it('trims every name and keeps only the settings given', () => {
    const checked = checkAccountingSettings({
      expense_account: '  Commission Expense ',
      payable_account: 'Commissions Payable',
      expense_account_code: ' 6100',
      payable_account_code: '2100 ',
      tax_rate: 'Tax Exempt',
      classes: { acq: ' Acquisitions ', manager: 'Management' },
      tracking: { name: ' Team ', options: { dispo: ' Dispositions' } },
    });
    assert.deepEqual(checked.errors, []);
    assert.deepEqual(checked.value, {
      expense_account: 'Commission Expense',
      payable_account: 'Commissions Payable',
      expense_account_code: '6100',
      payable_account_code: '2100',
      tax_rate: 'Tax Exempt',
      classes: { acq: 'Acquisitions', manager: 'Management' },
      tracking: { name: 'Team', options: { dispo: 'Dispositions' } },
    });
    assert.deepEqual(checkAccountingSettings({}), { value: {}, errors: [] });
    assert.deepEqual(checkAccountingSettings({ tax_rate: 'GST' }).value, { tax_rate: 'GST' });
    assert.deepEqual(checkAccountingSettings({ classes: { acq: 'Sales', dispo: undefined } }), { value: { classes: { acq: 'Sales' } }, errors: [] });
  });

  it('refuses blank names and names a spreadsheet would run, each at its pointer', () => {
    const checked = checkAccountingSettings({
      expense_account: '   ',
      payable_account: '=HYPERLINK("x")',
      tax_rate: ' +1',
      classes: { acq: '-Sales', dispo: 'Fine', other: '' },
      tracking: { name: '@Team', options: { manager: ' ' } },
    });
    assert.deepEqual(checked.errors, [
      { pointer: '/accounting/expense_account', message: 'is blank' },
      { pointer: '/accounting/payable_account', message: FORMULA },
      { pointer: '/accounting/tax_rate', message: FORMULA },
      { pointer: '/accounting/classes/acq', message: FORMULA },
      { pointer: '/accounting/classes/other', message: 'is blank' },
      { pointer: '/accounting/tracking/name', message: FORMULA },
      { pointer: '/accounting/tracking/options/manager', message: 'is blank' },
    ]);
    assert.equal(checked.value.classes?.dispo, 'Fine');
  });

  it('a dash or sign inside a name is fine; the pointer prefix is the caller\'s', () => {
    assert.deepEqual(checkAccountingSettings({ expense_account: 'Commission - Sales', payable_account: 'A+B' }).errors, []);
    assert.deepEqual(checkAccountingSettings({ tax_rate: '=1' }, '/settings').errors, [{ pointer: '/settings/tax_rate', message: FORMULA }]);
  });
});
