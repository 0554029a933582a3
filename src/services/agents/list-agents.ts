import { listAgents as listAgentRows, type AgentFilter } from '../../db/agents.js';
import { inTenant, type ServiceContext } from '../context.js';
import { agentView } from './agent-view.js';

/** Agents of the tenant by name, filtered by type and active flag, a page at a time. */
export async function listAgents(ctx: ServiceContext, input: AgentFilter) {
  const page = await inTenant(ctx, (tx) => listAgentRows(tx, input));
  return { items: page.rows.map(agentView), total: page.total, limit: input.limit, offset: input.offset };
}
