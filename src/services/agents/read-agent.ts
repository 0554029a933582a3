import { agentHistory, readAgent as readAgentRow } from '../../db/agents.js';
import { notFoundError } from '../../domain/app-error.js';
import { inTenant, type ServiceContext } from '../context.js';
import { agentMonthView, agentView } from './agent-view.js';

/** One agent with its monthly history. */
export async function readAgent(ctx: ServiceContext, input: { id: string }) {
  const found = await inTenant(ctx, async (tx) => {
    const row = await readAgentRow(tx, input.id);
    return row ? { row, history: await agentHistory(tx, input.id) } : undefined;
  });
  if (!found) throw notFoundError('No such agent.');
  return { agent: agentView(found.row), history: found.history.map(agentMonthView) };
}
