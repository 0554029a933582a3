import { upsertImportMapping } from '../../db/import-mappings.js';
import { invalidValues } from '../../domain/app-error.js';
import { validateMapping } from '../../domain/closings/mapping-check.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { checkMappingName, mappingView, type ImportMappingView } from './mapping-view.js';

/** Creates or replaces a named mapping (admins); every problem of the mapping comes back at once, with pointers. */
export async function saveMapping(ctx: ServiceContext, input: { name: string; mapping: unknown }): Promise<{ view: ImportMappingView; created: boolean }> {
  requireAdmin(ctx);
  checkMappingName(input.name);
  const checked = validateMapping(input.mapping);
  if (!checked.ok) throw invalidValues('The mapping', checked.errors);
  const saved = await writeInTenant(ctx, { type: 'import-mapping' }, (tx) => upsertImportMapping(tx, input.name, checked.mapping, ctx.principal.userId));
  return { view: mappingView(saved.row), created: saved.created };
}
