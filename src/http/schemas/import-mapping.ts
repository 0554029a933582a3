import { Type, type Static } from 'typebox';
import type { ImportMapping } from '../../domain/closings/mapping.js';

/**
 * A closings column mapping (CONTRACT.md, "Closings and payouts") as a JSON schema: its shape and
 * bounds. What a schema cannot say (which field keys exist, what a values map may produce for its
 * field) is checked by src/domain/closings/mapping-check.ts, with pointers.
 */
const CellValue = Type.Union([Type.String({ maxLength: 200 }), Type.Number(), Type.Boolean(), Type.Null()]);

export const ImportMappingSchema = Type.Object(
  {
    sheet: Type.Optional(Type.String({ minLength: 1, maxLength: 31, description: 'The xlsx sheet to read (default: the first).' })),
    delimiter: Type.Optional(Type.Union([Type.Literal(','), Type.Literal(';'), Type.Literal('\t')], { description: 'CSV field separator (default ",").' })),
    decimal: Type.Optional(Type.Union([Type.Literal('.'), Type.Literal(',')], { description: 'Decimal separator of amounts (default ".").' })),
    columns: Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 200 }), {
      maxProperties: 200,
      description:
        'Field key → column header (matched trimmed, case- and whitespace-insensitively). Keys: id, date, property, market, gp (required), assignment_fee, transactions, status, sides.<acq|dispo>.<agent|manager|credit>, attributes.<name>.',
    }),
    values: Type.Optional(
      Type.Record(Type.String({ maxLength: 100 }), Type.Record(Type.String({ maxLength: 200 }), CellValue, { maxProperties: 1000 }), {
        maxProperties: 200,
        description: 'Per field key (or "agents" / "managers" for every agent / manager column): cell text (trimmed, case-insensitive; "*" for any other) → value; a name mapped to null is the house.',
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        sheet: 'Dispo Closings',
        columns: { property: 'Property Address', gp: 'Gross Profit', transactions: 'Trx #', 'sides.acq.agent': 'Acq Agent', 'attributes.flat_fee': 'FlatFee Listed' },
        values: { 'attributes.flat_fee': { YES: true, '*': false }, agents: { 'Ex Rebuilt': null } },
      },
    ],
  },
);

// The schema is the domain's ImportMapping, no more and no less: this fails to compile when either
// gains, loses or changes a member without the other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const mappingSchemaIsTheDomainType: Same<Static<typeof ImportMappingSchema>, ImportMapping> = true;
void mappingSchemaIsTheDomainType;

export const MappingName = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$', description: 'Letters, digits, spaces, ".", "_", "-" (1 to 100).', examples: ['Dispo Closings'] });

export const ImportMappingView = Type.Object({
  name: Type.String(),
  mapping: ImportMappingSchema,
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

export const MappingSuggestionView = Type.Object({
  mapping: ImportMappingSchema,
  headers: Type.Array(Type.String()),
  header_row: Type.Integer(),
  unmapped: Type.Array(Type.String()),
  sheets: Type.Array(Type.String()),
  sheet: Type.Union([Type.String(), Type.Null()]),
  rows: Type.Array(Type.Array(Type.String())),
});
