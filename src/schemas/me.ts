/**
 * `GET /me`, `/me/statements`, `/me/statements/{month}`: who the caller is, and for a payee their
 * own statements over time (issue 16: people who are paid see their own pay, and only theirs).
 */
import { Type, type Static } from 'typebox';
import { PayoutStatementSchema } from './payouts.js';

const Status = Type.Union([Type.Literal('draft'), Type.Literal('approved')]);
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const MeSchema = Type.Object(
  {
    role: Type.Union([Type.Literal('admin'), Type.Literal('member'), Type.Literal('payee')]),
    payee: Nullable(Type.String({ description: 'For a payee: the roster person they are linked to.' })),
    email: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type MeView = Static<typeof MeSchema>;

const MyStatementMonthSchema = Type.Object(
  {
    month: Type.String({ description: 'YYYY-MM' }),
    status: Status,
    approved_at: Nullable(Type.String({ format: 'date-time' })),
    total: Type.Number({ description: "The payee's total of the month (their statement's)." }),
  },
  { additionalProperties: false },
);

export const MyStatementsSchema = Type.Object(
  {
    payee: Type.String(),
    items: Type.Array(MyStatementMonthSchema, { description: 'Newest first: approved months, and drafts when the tenant lets payees see them.' }),
    total: Type.Number({ description: 'The sum of the listed months, to the cent.' }),
  },
  { additionalProperties: false },
);
export type MyStatementsView = Static<typeof MyStatementsSchema>;

export const MyStatementSchema = Type.Object(
  {
    month: Type.String(),
    status: Status,
    approved_at: Nullable(Type.String({ format: 'date-time' })),
    statement: PayoutStatementSchema,
  },
  { additionalProperties: false },
);
export type MyStatementView = Static<typeof MyStatementSchema>;
