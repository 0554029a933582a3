/**
 * The commission month as it travels in and out of the platform (CONTRACT.md, "Import body"), typed
 * from its one source, the JSON schema in src/schemas/commission-month.ts (a type import: the domain
 * loads no schema library). Amounts are JSON numbers with at most two decimals; inside the platform
 * they become integer cents (see ../money.ts) and are never summed as floats.
 */
import type { Static } from 'typebox';
import type {
  AgentTypeSchema,
  CommissionMonthSchema,
  DealStatusSchema,
  ImportAgentSchema,
  ImportDealSchema,
  ImportManagerSchema,
  ImportMetadataSchema,
} from '../../schemas/commission-month.js';

export type AgentType = Static<typeof AgentTypeSchema>;
export type DealStatus = Static<typeof DealStatusSchema>;
export type ImportMetadata = Static<typeof ImportMetadataSchema>;
export type ImportAgent = Static<typeof ImportAgentSchema>;
export type ImportManager = Static<typeof ImportManagerSchema>;
export type ImportDeal = Static<typeof ImportDealSchema>;
export type CommissionMonth = Static<typeof CommissionMonthSchema>;
