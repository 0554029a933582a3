import { Type, type Static } from 'typebox';

/**
 * The import/export document (CONTRACT.md, "Import body") as a JSON schema: structure, types and
 * bounds. It is the one source of the document's shape: the domain's types
 * (src/domain/imports/format.ts) and the web app's are its `Static` types. What a schema cannot say (two decimals, real dates, cross-references) is checked by
 * src/domain/imports/check.ts. Every shape is closed and bounded, so no body can smuggle fields
 * (`__proto__`, `constructor`) or grow without limit.
 */
const Amount = Type.Number({ minimum: -1e12, maximum: 1e12, description: 'Amount in dollars, at most 2 decimals.' });
const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
export const AgentTypeSchema = Type.Union([Type.Literal('acq'), Type.Literal('dispo')]);
export const DealStatusSchema = Type.Union([Type.Literal('closed'), Type.Literal('terminated')]);
export const MonthString = Type.String({ pattern: '^[1-9][0-9]{3}-(0[1-9]|1[0-2])$', description: 'YYYY-MM (years 1000 to 9999: PostgreSQL has no year 0)', examples: ['2025-09'] });

export const ImportMetadataSchema = Type.Object(
  {
    total_gp: Type.Optional(Amount),
    total_transactions: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
    commission_pct: Type.Optional(Type.Number({ minimum: -1000, maximum: 1000, description: 'Commission as % of GP, e.g. 14.3' })),
  },
  { additionalProperties: false },
);

export const ImportAgentSchema = Type.Object(
  {
    name: Name,
    type: AgentTypeSchema,
    gp: Amount,
    deals: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Closed deals this month.' }),
    commission: Amount,
    terminations: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Contracts terminated this month.' })),
    market: Type.Optional(Name),
    manager: Type.Optional(Name),
  },
  { additionalProperties: false },
);

export const ImportManagerSchema = Type.Object(
  {
    name: Name,
    gp: Type.Optional(Amount),
    commission: Amount,
    team: Type.Optional(Type.Array(Name, { maxItems: 5000 })),
  },
  { additionalProperties: false },
);

export const ImportDealSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 100 }),
    date: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD' }),
    agent: Name,
    type: AgentTypeSchema,
    market: Type.Optional(Name),
    gp: Amount,
    status: DealStatusSchema,
  },
  { additionalProperties: false },
);

const ImportMarketSchema = Type.Object(
  {
    name: Name,
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
  },
  { additionalProperties: false, description: 'Coordinates of a market; they win over the shipped table of US metros.' },
);

export const CommissionMonthSchema = Type.Object(
  {
    month: MonthString,
    metadata: Type.Optional(ImportMetadataSchema),
    agents: Type.Array(ImportAgentSchema, { maxItems: 5000 }),
    managers: Type.Optional(Type.Array(ImportManagerSchema, { maxItems: 1000 })),
    deals: Type.Optional(Type.Array(ImportDealSchema, { maxItems: 200_000 })),
    markets: Type.Optional(Type.Array(ImportMarketSchema, { maxItems: 1000 })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        month: '2025-09',
        metadata: { total_gp: 682043, total_transactions: 59, commission_pct: 14.3 },
        agents: [
          { name: 'Kyle Singer', type: 'acq', gp: 92000, deals: 7, commission: 7400, terminations: 1, market: 'Phoenix, AZ', manager: 'Dana Whitfield' },
        ],
        managers: [{ name: 'Dana Whitfield', gp: 92000, commission: 1380, team: ['Kyle Singer'] }],
        deals: [{ id: 'D-1001', date: '2025-09-14', agent: 'Kyle Singer', type: 'acq', market: 'Phoenix, AZ', gp: 14000, status: 'closed' }],
      },
    ],
  },
);

export type CommissionMonthBody = Static<typeof CommissionMonthSchema>;
