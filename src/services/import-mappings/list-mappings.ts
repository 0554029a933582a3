import { listImportMappings } from '../../db/import-mappings.js';
import { inTenant, type ServiceContext } from '../context.js';
import { mappingView, type ImportMappingView } from './mapping-view.js';

/** The tenant's mappings, by name. */
export async function listMappings(ctx: ServiceContext): Promise<{ items: ImportMappingView[] }> {
  const rows = await inTenant(ctx, listImportMappings);
  return { items: rows.map(mappingView) };
}
