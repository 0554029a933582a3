import { Type, type Static } from 'typebox';
import { ADJUSTMENT_REASONS } from '../domain/closings/closing.js';
import { MonthString } from './commission-month.js';

/**
 * Payouts, their adjustments and the months' goals (CONTRACT.md, "Adjustments and goals",
 * "Payouts") as JSON schemas. Every response shape is closed: what the service answers is exactly
 * what is written here.
 */
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const Reason = Type.Enum(ADJUSTMENT_REASONS);
const Timestamp = Type.String({ format: 'date-time' });

export const PayoutLineSchema = Type.Object(
  {
    plan: Type.Union([Type.String(), Type.Null()], { description: "The plan's name as the version paid names it; null for an adjustment." }),
    plan_id: Type.Union([Type.String(), Type.Null()]),
    plan_version: Type.Union([Type.Integer(), Type.Null()]),
    component: Type.String({ description: 'tiers, rate, per_deal, bonus, override, formula, limit, draw, rounding, paid_before, adjustment' }),
    label: Type.String(),
    base: Type.String({ description: 'What the line is computed on, in words and figures ("flat_fee=true GP 31,569.00 ...").' }),
    rate: Type.Union([Type.String(), Type.Null()], { description: 'Exact decimal text.' }),
    bracket: Type.Union([Type.String(), Type.Null()], { description: '"2 of 4 (from 25,000.00 to 50,000.99)", with ", overridden: <reason>" when forced.' }),
    amount: Type.String({ description: 'Exact amount as decimal text; the statement total is the sum of its lines, rounded half-up once.' }),
    reason: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const PayoutStatementSchema = Type.Object(
  {
    payee: Type.String(),
    roles: Type.Array(Type.String()),
    total: Type.Number(),
    lines: Type.Array(PayoutLineSchema),
    warnings: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

const PlanPaidSchema = Type.Object(
  { id: Type.String(), name: Type.String(), version: Type.Integer(), effective_from: Type.String() },
  { additionalProperties: false, description: 'A plan version the month was paid under.' },
);

const PayoutEventSchema = Type.Object(
  {
    action: Type.Union([Type.Literal('calculated'), Type.Literal('approved'), Type.Literal('reopened')]),
    at: Timestamp,
    by: Nullable(Type.String({ description: 'User id' })),
    by_email: Nullable(Type.String()),
    reason: Nullable(Type.String()),
    total: Type.Union([Type.Number(), Type.Null()]),
  },
  { additionalProperties: false },
);

const PayoutStatus = Type.Union([Type.Literal('draft'), Type.Literal('approved')]);

export const PayoutSchema = Type.Object(
  {
    month: Type.String(),
    status: PayoutStatus,
    stale: Type.Boolean({ description: 'A draft whose inputs, or an earlier month it carries from (quarter, year, draws), changed since its calculation: calculate again before approving. Always false once approved.' }),
    company_gp: Type.Number(),
    company_transactions: Type.Integer(),
    total: Type.Number({ description: 'The sum of the statements.' }),
    by_role: Type.Record(Type.String(), Type.Number(), { description: "Statement totals by the person's primary role (manager, acq, dispo, other)." }),
    statements: Type.Array(PayoutStatementSchema),
    uncovered: Type.Array(Type.String(), { description: 'People with closings this month whom no plan covers (never silently paid 0).' }),
    plans: Type.Array(PlanPaidSchema),
    calculated_at: Timestamp,
    calculated_by: Nullable(Type.String()),
    approved_at: Nullable(Timestamp),
    approved_by: Nullable(Type.String()),
    approved_by_email: Nullable(Type.String()),
    history: Type.Array(PayoutEventSchema),
  },
  { additionalProperties: false },
);
export type PayoutView = Static<typeof PayoutSchema>;

export const PayoutListSchema = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          month: Type.String(),
          status: PayoutStatus,
          total: Type.Number(),
          statements: Type.Integer(),
          calculated_at: Timestamp,
          approved_at: Nullable(Timestamp),
          approved_by: Nullable(Type.String()),
          approved_by_email: Nullable(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type PayoutListView = Static<typeof PayoutListSchema>;

export const ReopenBodySchema = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S', description: 'Why the approved month is opened again (kept in its history).' }) },
  { additionalProperties: false, examples: [{ reason: 'True-up for D-1017 found after approval' }] },
);

export const AdjustmentBodySchema = Type.Object(
  {
    payee: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    amount: Type.Number({ minimum: -1e12, maximum: 1e12, description: 'Amount in dollars, at most 2 decimals, not 0; negative allowed.' }),
    reason: Reason,
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false, examples: [{ payee: 'Rita Rookie', amount: 250, reason: 'sprint', note: 'Week 2 sprint winner' }] },
);

export const AdjustmentViewSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    source: Type.Union([Type.Literal('import'), Type.Literal('manual')], { description: "'import': from the month's closings import (re-import to change it); 'manual': added here." }),
    payee: Type.String(),
    amount: Type.Number(),
    reason: Reason,
    note: Type.Optional(Type.String()),
    created_at: Timestamp,
    created_by: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type AdjustmentView = Static<typeof AdjustmentViewSchema>;

export const AdjustmentListSchema = Type.Object({ items: Type.Array(AdjustmentViewSchema) }, { additionalProperties: false });

export const GoalsBodySchema = Type.Object(
  {
    transactions: Type.Integer({ minimum: 0, maximum: 10_000_000 }),
    gp: Type.Number({ minimum: -1e12, maximum: 1e12, description: 'Amount in dollars, at most 2 decimals.' }),
  },
  { additionalProperties: false, examples: [{ transactions: 60, gp: 650000 }] },
);

export const GoalsViewSchema = Type.Object(
  { month: Type.String(), transactions: Type.Integer(), gp: Type.Number(), updated_at: Timestamp, updated_by: Nullable(Type.String()) },
  { additionalProperties: false },
);
export type GoalsView = Static<typeof GoalsViewSchema>;

export const PayoutMonthParams = Type.Object({ month: MonthString }, { additionalProperties: false });
export const AdjustmentParams = Type.Object({ month: MonthString, id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

export const PayoutExportQuery = Type.Object(
  {
    format: Type.Union([Type.Literal('csv'), Type.Literal('quickbooks'), Type.Literal('xero')], {
      default: 'csv',
      description: '`csv`: one row per payee and line; `quickbooks`: a QuickBooks Online journal-entry import; `xero`: a Xero manual-journal import.',
    }),
    part: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Xero only: which file, when the month needs more than one (Xero imports at most 300 lines per file).' })),
  },
  { additionalProperties: false },
);

export const PayoutExportFile = Type.String({ description: 'The CSV file (RFC 4180, CRLF), named by Content-Disposition.' });

export const StatementParams = Type.Object(
  { month: MonthString, payee: Type.String({ minLength: 1, maxLength: 200, description: 'The person as the statement names them (URL-encoded).' }) },
  { additionalProperties: false },
);

export const StatementQuery = Type.Object(
  { format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('html')], { description: 'Overrides the Accept header: `html` is the printable page.' })) },
  { additionalProperties: false },
);

export const PayoutStatementViewSchema = Type.Object(
  {
    month: Type.String(),
    status: PayoutStatus,
    approved_at: Nullable(Timestamp),
    approved_by: Nullable(Type.String({ description: 'User id' })),
    approved_by_email: Nullable(Type.String()),
    statement: PayoutStatementSchema,
  },
  { additionalProperties: false },
);
export type PayoutStatementView = Static<typeof PayoutStatementViewSchema>;
