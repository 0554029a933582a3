import { Type } from 'typebox';
import { CLOSINGS_LIMITS } from '../../domain/closings/check.js';
import { ADJUSTMENT_REASONS } from '../../domain/closings/closing.js';
import { MonthString } from '../../schemas/commission-month.js';

/**
 * A closings month (CONTRACT.md, "Closings and payouts") as a JSON schema: structure, types and
 * bounds, every shape closed. What a schema cannot say (two decimals, dates inside the month, one
 * side per role, unique ids) is checked by src/domain/closings/check.ts, which reports every
 * invalid value at once.
 */
const Amount = Type.Number({ minimum: -1e12, maximum: 1e12, description: 'Amount in dollars, at most 2 decimals.' });
const Name = Type.String({ minLength: 1, maxLength: CLOSINGS_LIMITS.name, pattern: '\\S' });
const Text = Type.String({ minLength: 1, maxLength: CLOSINGS_LIMITS.text, pattern: '\\S' });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const ClosingSideSchema = Type.Object(
  {
    role: Type.Union([Type.Literal('acq'), Type.Literal('dispo')]),
    agent: Nullable(Name),
    manager: Type.Optional(Nullable(Name)),
    credit: Type.Optional(
      Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.String({ maxLength: 16, pattern: '^\\s*[0-9.]+\\s*$' })], {
        description: 'Fraction of the deal GP credited to the agent (default 1), a number or a decimal text, at most 12 decimals.',
      }),
    ),
  },
  { additionalProperties: false, description: '`agent: null` is the house: no payee. The manager is credited the deal GP as team GP.' },
);

const AttributeValue = Type.Union([Type.Boolean(), Type.Number(), Type.String({ maxLength: CLOSINGS_LIMITS.text })]);

export const ClosingSchema = Type.Object(
  {
    id: Type.Optional(Type.String({ minLength: 1, maxLength: CLOSINGS_LIMITS.id, pattern: '\\S' })),
    date: Type.Optional(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD, inside the month' })),
    property: Type.Optional(Text),
    market: Type.Optional(Text),
    gp: Amount,
    assignment_fee: Type.Optional(Amount),
    transactions: Type.Optional(Type.Integer({ minimum: 0, maximum: CLOSINGS_LIMITS.transactions, description: 'Default 1; 0 for a memo row.' })),
    status: Type.Optional(Type.Union([Type.Literal('closed'), Type.Literal('terminated')])),
    attributes: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 100 }), AttributeValue, { maxProperties: CLOSINGS_LIMITS.attributes }),
    ),
    sides: Type.Array(ClosingSideSchema, { maxItems: CLOSINGS_LIMITS.sides }),
  },
  { additionalProperties: false },
);

export const AdjustmentSchema = Type.Object(
  {
    payee: Name,
    amount: Amount,
    reason: Type.Union([
      Type.Literal('sprint'),
      Type.Literal('mentor'),
      Type.Literal('true_up'),
      Type.Literal('correction'),
      Type.Literal('bonus'),
      Type.Literal('other'),
    ], { description: `One of ${ADJUSTMENT_REASONS.join(', ')}.` }),
    note: Type.Optional(Type.String({ maxLength: CLOSINGS_LIMITS.text })),
  },
  { additionalProperties: false },
);

export const ClosingsMonthSchema = Type.Object(
  {
    month: MonthString,
    closings: Type.Array(ClosingSchema, { maxItems: CLOSINGS_LIMITS.closings }),
    adjustments: Type.Optional(Type.Array(AdjustmentSchema, { maxItems: CLOSINGS_LIMITS.adjustments })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        month: '2025-09',
        closings: [
          {
            id: 'R-2025-09-017',
            date: '2025-09-30',
            property: '5118 Reno St, Philadelphia, PA 19139',
            market: 'Philadelphia, PA',
            gp: 6000,
            assignment_fee: 6000,
            transactions: 1,
            status: 'closed',
            attributes: { flat_fee: false, exit_strategy: 'Assignment', tl_eligible: true },
            sides: [
              { role: 'acq', agent: 'Steve Shelburne', manager: 'Devin Buford' },
              { role: 'dispo', agent: 'Vincent Gnapi', manager: 'Maegan Grace' },
            ],
          },
        ],
        adjustments: [{ payee: 'Vincent Gnapi', amount: 250, reason: 'sprint', note: 'September sprint' }],
      },
    ],
  },
);

const Counts = Type.Object({
  closings: Type.Integer(),
  sides: Type.Integer(),
  adjustments: Type.Integer(),
  company_gp: Type.Number({ description: 'Sum of the closed deals’ GP, each deal once.' }),
  company_transactions: Type.Integer({ description: 'Sum of the closed deals’ transactions, each deal once.' }),
});

export const ClosingsImportResponse = Type.Object({
  status: Type.Literal('success'),
  month: Type.String(),
  imported: Counts,
  replaced: Type.Boolean({ description: 'True when the month had closings before; they were replaced whole.' }),
  validation_warnings: Type.Array(Type.String()),
});

const Credit = Type.Object({
  person: Type.String(),
  kind: Type.Union([Type.Literal('agent'), Type.Literal('manager')]),
  role: Type.Union([Type.Literal('acq'), Type.Literal('dispo')]),
  gp: Type.String({ description: 'Credited GP, an exact decimal (a fractional credit may leave fractions of a cent).' }),
});

export const ClosingsPreviewResponse = Type.Object({
  month: Type.Union([Type.String(), Type.Null()]),
  valid: Type.Boolean({ description: 'True when an import of the same input would succeed.' }),
  counts: Type.Object({
    closings: Type.Integer(),
    sides: Type.Integer(),
    adjustments: Type.Integer(),
    closed: Type.Integer(),
    terminated: Type.Integer(),
  }),
  company_gp: Type.Union([Type.Number(), Type.Null()]),
  company_transactions: Type.Union([Type.Integer(), Type.Null()]),
  rows: Type.Array(
    Type.Object({
      index: Type.Integer({ description: 'Position of the closing in the input (0-based).' }),
      row: Type.Union([Type.Integer(), Type.Null()], { description: 'The source row, for spreadsheets.' }),
      closing: Type.Unknown(),
      credits: Type.Array(Credit),
    }),
    { description: 'The first 50 closings, each with what it credits.' },
  ),
  warnings: Type.Array(Type.String()),
  errors: Type.Array(Type.Object({ pointer: Type.String(), message: Type.String() })),
  sheets: Type.Optional(Type.Array(Type.String(), { description: 'xlsx: every sheet of the workbook (for choosing another in the mapping).' })),
  sheet: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'xlsx: the sheet that was read.' })),
});

const MonthTotals = Type.Object({
  month: Type.String({ description: 'YYYY-MM' }),
  closings: Type.Integer(),
  sides: Type.Integer(),
  adjustments: Type.Integer(),
  company_gp: Type.Number(),
  company_transactions: Type.Integer(),
  closed: Type.Integer(),
  terminated: Type.Integer(),
  pay: Type.Union([Type.Literal('not calculated'), Type.Literal('draft'), Type.Literal('approved')], {
    description: 'The month’s payouts: none calculated yet, a draft (GET /payouts/{month} says whether it is stale), or approved.',
  }),
  imported_at: Type.String({ format: 'date-time' }),
  imported_by: Type.Union([Type.String(), Type.Null()]),
});

export const ClosingsMonthListResponse = Type.Object({
  items: Type.Array(MonthTotals),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const ClosingsMonthResponse = Type.Object({ totals: MonthTotals, document: ClosingsMonthSchema });
