/**
 * Inquiries (issue 16: "a payee can question a line"): a payee asks about one line of their
 * statement, admins answer and resolve it (`open` → `resolved` with a note); both sides see the
 * thread. Nothing more elaborate than that.
 */
import { Type, type Static } from 'typebox';
import { MonthString } from './commission-month.js';
import { PayoutLineSchema } from './payouts.js';

const Message = Type.String({ minLength: 1, maxLength: 4000, pattern: '\\S', description: 'Plain text, up to 4,000 characters.' });
const Timestamp = Type.String({ format: 'date-time' });

export const InquiryParams = Type.Object({ month: MonthString, id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

export const InquiryListQuery = Type.Object(
  { status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved')], { description: 'Only the open (or the resolved) ones.' })) },
  { additionalProperties: false },
);

export const InquiryBodySchema = Type.Object(
  {
    line: Type.Object(
      {
        payee: Type.String({ minLength: 1, maxLength: 200, description: 'Whose statement: a payee may name only themselves.' }),
        index: Type.Integer({ minimum: 0, maximum: 10_000, description: "The line's position in the statement's `lines`, from 0." }),
      },
      { additionalProperties: false },
    ),
    message: Message,
  },
  { additionalProperties: false, examples: [{ line: { payee: 'Ana Acq', index: 0 }, message: 'D2 was a flat-fee deal: should it be at 8%?' }] },
);
export type InquiryBody = Static<typeof InquiryBodySchema>;

export const ReplyBodySchema = Type.Object({ message: Message }, { additionalProperties: false, examples: [{ message: 'Checked: the override applies to every deal of the month.' }] });

export const ResolveBodySchema = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S', description: 'What was decided.' }) },
  { additionalProperties: false, examples: [{ note: 'Correct as paid; explained in the thread.' }] },
);

const InquiryMessageSchema = Type.Object(
  {
    seq: Type.Integer({ minimum: 1 }),
    from: Type.Union([Type.Literal('payee'), Type.Literal('admin')], { description: 'Which side wrote it.' }),
    message: Type.String(),
    at: Timestamp,
  },
  { additionalProperties: false },
);

export const InquirySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    month: Type.String(),
    payee: Type.String(),
    line_index: Type.Integer(),
    // The line as it stood when asked (a recalculation may renumber the lines).
    line: PayoutLineSchema,
    status: Type.Union([Type.Literal('open'), Type.Literal('resolved')]),
    created_at: Timestamp,
    resolved_at: Type.Union([Timestamp, Type.Null()]),
    resolution_note: Type.Union([Type.String(), Type.Null()]),
    messages: Type.Array(InquiryMessageSchema, { description: 'The question first, then the replies, in order.' }),
  },
  { additionalProperties: false },
);
export type InquiryView = Static<typeof InquirySchema>;

export const InquiryListSchema = Type.Object({ items: Type.Array(InquirySchema) }, { additionalProperties: false });
export type InquiryListView = Static<typeof InquiryListSchema>;
