/** What the commissions routes answer: an import's result and the summary of a stored month. */
import { Type, type Static } from 'typebox';
import { CommissionMonthSchema } from './commission-month.js';

export const ImportResponse = Type.Object({
  status: Type.Literal('success'),
  month: Type.String(),
  imported: Type.Object({
    agents: Type.Integer(),
    managers: Type.Integer(),
    deals: Type.Integer(),
    total_commission: Type.Number({ description: 'Sum of every payee’s commission, exact to the cent.' }),
  }),
  replaced: Type.Boolean({ description: 'True when the month had been imported before and was replaced whole.' }),
  validation_warnings: Type.Array(Type.String()),
});

export const MonthSummary = Type.Object({
  month: Type.String({ description: 'YYYY-MM' }),
  total_gp: Type.Number(),
  total_commission: Type.Number(),
  commission_pct: Type.Union([Type.Number(), Type.Null()], { description: 'All commission over GP, percent, one decimal.' }),
  agents: Type.Integer(),
  managers: Type.Integer(),
  transactions: Type.Integer({ description: 'Closed deals.' }),
  terminations: Type.Integer(),
  imported_at: Type.String({ format: 'date-time' }),
});

/** `GET /commissions`: one page of stored months. */
export const MonthList = Type.Object({ items: Type.Array(MonthSummary), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });

/** `GET /commissions/export?format=json`: one month's document, or an array of them for a range. */
const CommissionExport = Type.Union([CommissionMonthSchema, Type.Array(CommissionMonthSchema)], {
  description: 'The import document of `month`, or of every stored month in `from`..`to`, oldest first.',
});
/**
 * The same schema as the export route declares it: the route streams the stored text (never
 * serialised through the schema), so to the route's type checking its reply is a stream.
 */
export const CommissionExportResponse = Type.Unsafe<unknown>(CommissionExport);

export type ImportResult = Static<typeof ImportResponse>;

/** POST /commissions/preview: what the import would write, nothing written. */
export const ImportPreviewResponse = Type.Object(
  {
    month: Type.String(),
    replaces: Type.Boolean({ description: 'True when the month was imported before: importing replaces it whole.' }),
    counts: Type.Object(
      {
        agents: Type.Integer(),
        managers: Type.Integer(),
        transactions: Type.Integer({ description: 'Closed deals, the sum of the agents’ `deals` (the Imported months table’s Deals).' }),
        deals: Type.Integer({ description: 'Deal records (`deals[]` of a JSON body; 0 for CSV and xlsx).' }),
      },
      { additionalProperties: false },
    ),
    total_gp: Type.Number({ description: 'Sum of the agents’ GP, exact to the cent.' }),
    total_commission: Type.Number({ description: 'Sum of every payee’s commission, exact to the cent.' }),
    commission_pct: Type.Union([Type.Number(), Type.Null()], { description: 'Commission % of GP, one decimal; null without GP.' }),
    validation_warnings: Type.Array(Type.String(), { description: 'The import’s warnings, and first one when the agent count is far from the other months’.' }),
  },
  { additionalProperties: false },
);
export type ImportPreview = Static<typeof ImportPreviewResponse>;
export type MonthSummaryView = Static<typeof MonthSummary>;
export type MonthListView = Static<typeof MonthList>;
