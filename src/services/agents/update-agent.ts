import { readAgent, updateAgent as updateAgentRow, type AgentRow } from '../../db/agents.js';
import { upsertManagers } from '../../db/commissions.js';
import { AppError, notFoundError } from '../../domain/app-error.js';
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
  /** The person's e-mail (links a payee token to them); null removes it. */
  email?: string | null | undefined;
}

const isEmailTaken = (error: unknown) =>
  (error as { code?: unknown; constraint?: unknown } | null)?.code === '23505' && (error as { constraint?: unknown }).constraint === 'agents_email';

/** Changes an agent's type, manager, market, active flag or e-mail (admins). */
export async function updateAgent(ctx: ServiceContext, input: UpdateAgentInput) {
  requireAdmin(ctx);
  const { id, type, manager, market, active } = input;
  const email = typeof input.email === 'string' ? input.email.trim() : input.email;
  const updated = await writeInTenant(ctx, (row: AgentRow | undefined) => (row ? { type: 'agent' } : null), async (tx) => {
    const managerId = typeof manager === 'string' ? (await upsertManagers(tx, [manager])).get(manager) : manager;
    try {
      if (!(await updateAgentRow(tx, id, { type, managerId, market, active, email }))) return undefined;
    } catch (error) {
      if (!isEmailTaken(error)) throw error;
      throw new AppError('conflict', 'email-taken', 'Another person of the roster has this e-mail.', {
        errors: [{ pointer: '/email', message: 'already the e-mail of another person (e-mails are compared case-insensitively)' }],
      });
    }
    return readAgent(tx, id);
  });
  if (!updated) throw notFoundError('No such agent.');
  return agentView(updated);
}
