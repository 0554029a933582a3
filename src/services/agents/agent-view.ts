import type { AgentMonthRow, AgentRow } from '../../db/agents.js';
import { parseAmountText, percentOf, toAmount } from '../../domain/money.js';

/** An agent as the API shows it. */
export const agentView = (row: AgentRow) => ({ ...row });

/** One month of an agent's history: amounts in currency units, commission % of GP to one decimal (null without GP). */
export function agentMonthView(month: AgentMonthRow) {
  const gp = month.gp === null ? null : (parseAmountText(month.gp) ?? 0);
  const commission = parseAmountText(month.commission) ?? 0;
  return {
    month: month.month,
    gp: gp === null ? null : toAmount(gp),
    deals: month.deals,
    terminations: month.terminations,
    commission: toAmount(commission),
    commission_pct: gp === null ? null : percentOf(commission, gp, 1),
  };
}
