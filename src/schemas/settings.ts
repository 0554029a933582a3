/**
 * `GET/PUT /settings`: the tenant's thresholds and its accounting settings (the account names and
 * codes the payout journals are written with, CONTRACT.md "Payouts").
 */
import { Type, type Static } from 'typebox';

/** What a role-keyed setting is keyed by: a statement's primary role (manager, acq, dispo) or "other". */
const JOURNAL_ROLES = ['manager', 'acq', 'dispo', 'other'] as const;
export type JournalRole = (typeof JOURNAL_ROLES)[number];

// Printable text without control characters: these values are written into accountants' files as they are.
const text = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]+$', description });

const ByRole = (what: string) => {
  const entry = (role: JournalRole) => Type.Optional(text(100, `${what} for a person whose primary role is ${role}`));
  return Type.Object({ manager: entry('manager'), acq: entry('acq'), dispo: entry('dispo'), other: entry('other') }, { additionalProperties: false });
};

export const AccountingSettings = Type.Object(
  {
    expense_account: Type.Optional(text(100, 'QuickBooks Online account name debited with commission ("Commission Expense"; a sub-account as "Parent:Sub")')),
    payable_account: Type.Optional(text(100, 'QuickBooks Online account name credited with what is owed ("Commissions Payable")')),
    expense_account_code: Type.Optional(text(10, 'Xero account code of the commission expense account ("6100")')),
    payable_account_code: Type.Optional(text(10, 'Xero account code of the payable or clearing account ("2100")')),
    tax_rate: Type.Optional(text(50, 'Xero tax rate by its name, as in the organisation\'s tax settings ("Tax Exempt")')),
    classes: Type.Optional(ByRole('QuickBooks Online class of the expense line')),
    tracking: Type.Optional(
      Type.Object(
        {
          name: text(100, 'Xero tracking category name ("Team")'),
          options: ByRole('Xero tracking option of the expense line'),
        },
        { additionalProperties: false },
      ),
    ),
  },
  {
    additionalProperties: false,
    description: 'Names for QuickBooks Online, codes and tax rate for Xero; a setting the export needs and is missing gives 422 naming it.',
  },
);
export type AccountingSettings = Static<typeof AccountingSettings>;

const TerminationThreshold = Type.Number({
  minimum: 0,
  maximum: 1,
  description: 'Termination rate (fraction, kept to 4 decimals) above which imports warn and analytics flags an agent. Default 0.15.',
});

const PayeesSeeDrafts = Type.Boolean({
  description: "Whether payees (app_metadata.role payee) see their statements of months still in draft; by default they see approved months only.",
});

export const SettingsResponse = Type.Object(
  { termination_threshold: TerminationThreshold, accounting: AccountingSettings, payees_see_drafts: PayeesSeeDrafts },
  {
    additionalProperties: false,
    examples: [
      {
        termination_threshold: 0.15,
        payees_see_drafts: false,
        accounting: {
          expense_account: 'Commission Expense',
          payable_account: 'Commissions Payable',
          expense_account_code: '6100',
          payable_account_code: '2100',
          tax_rate: 'Tax Exempt',
        },
      },
    ],
  },
);

/** A change: what is given is replaced (`accounting` as a whole), what is left out stays as it was. */
export const SettingsChange = Type.Object(
  { termination_threshold: Type.Optional(TerminationThreshold), accounting: Type.Optional(AccountingSettings), payees_see_drafts: Type.Optional(PayeesSeeDrafts) },
  { additionalProperties: false, minProperties: 1, examples: [{ accounting: { expense_account: 'Commission Expense', payable_account: 'Commissions Payable' } }, { termination_threshold: 0.15 }] },
);
export type SettingsChange = Static<typeof SettingsChange>;
