import type { CommissionMonth, ImportAgent, ImportDeal, ImportManager, ImportMetadata } from './format.js';

/**
 * The one way a month is written out: fields in the contract's order, absent optional fields
 * omitted, arrays in their imported order. Export uses it, so import → export → import is a no-op
 * and two exports of the same data are byte-identical.
 */
export function canonicalMonth(month: CommissionMonth): CommissionMonth {
  return {
    month: month.month,
    ...(month.metadata ? { metadata: canonicalMetadata(month.metadata) } : {}),
    agents: month.agents.map(canonicalAgent),
    ...(month.managers ? { managers: month.managers.map(canonicalManager) } : {}),
    ...(month.deals ? { deals: month.deals.map(canonicalDeal) } : {}),
    ...(month.markets ? { markets: month.markets.map((market) => ({ name: market.name, lat: market.lat, lon: market.lon })) } : {}),
  };
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

const canonicalMetadata = (metadata: ImportMetadata): ImportMetadata =>
  defined({ total_gp: metadata.total_gp, total_transactions: metadata.total_transactions, commission_pct: metadata.commission_pct });

const canonicalAgent = (agent: ImportAgent): ImportAgent =>
  defined({
    name: agent.name,
    type: agent.type,
    gp: agent.gp,
    deals: agent.deals,
    commission: agent.commission,
    terminations: agent.terminations,
    market: agent.market,
    manager: agent.manager,
  });

const canonicalManager = (manager: ImportManager): ImportManager =>
  defined({ name: manager.name, gp: manager.gp, commission: manager.commission, team: manager.team ? [...manager.team] : undefined });

const canonicalDeal = (deal: ImportDeal): ImportDeal =>
  defined({ id: deal.id, date: deal.date, agent: deal.agent, type: deal.type, market: deal.market, gp: deal.gp, status: deal.status });
