import { deleteImportMapping } from '../../db/import-mappings.js';
import { notFoundError } from '../../domain/app-error.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { checkMappingName } from './mapping-view.js';

export async function deleteMapping(ctx: ServiceContext, input: { name: string }): Promise<void> {
  requireAdmin(ctx);
  checkMappingName(input.name);
  const deleted = await writeInTenant(ctx, (done: boolean) => (done ? { type: 'import-mapping' } : null), (tx) => deleteImportMapping(tx, input.name));
  if (!deleted) throw notFoundError(`No import mapping named "${input.name}".`);
}
