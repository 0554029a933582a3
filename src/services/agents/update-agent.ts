import { readAgent, updateAgent as updateAgentRow, type AgentRow } from '../../db/agents.js';
import { upsertManagers } from '../../db/commissions.js';
import { notFoundError } from '../../domain/app-error.js';
import type { AgentType } from '../../domain/imports/format.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { agentView } from './agent-view.js';

export interface UpdateAgentInput {
  id: string;
  type?: AgentType | undefined;
  /** A manager by name, created when new; null removes the manager. */
  manager?: string | null | undefined;
  /** null removes the market. */
  market?: string | null | undefined;
  active?: boolean | undefined;
}

/** Changes an agent's type, manager, market or active flag (admins). */
export async function updateAgent(ctx: ServiceContext, input: UpdateAgentInput) {
  requireAdmin(ctx);
  const { id, type, manager, market, active } = input;
  const updated = await writeInTenant(ctx, (row: AgentRow | undefined) => (row ? { type: 'agent' } : null), async (tx) => {
    const managerId = typeof manager === 'string' ? (await upsertManagers(tx, [manager])).get(manager) : manager;
    if (!(await updateAgentRow(tx, id, { type, managerId, market, active }))) return undefined;
    return readAgent(tx, id);
  });
  if (!updated) throw notFoundError('No such agent.');
  return agentView(updated);
}
