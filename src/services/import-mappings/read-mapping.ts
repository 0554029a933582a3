import { readImportMapping } from '../../db/import-mappings.js';
import { notFoundError } from '../../domain/app-error.js';
import { inTenant, type ServiceContext } from '../context.js';
import { checkMappingName, mappingView, type ImportMappingView } from './mapping-view.js';

export async function readMapping(ctx: ServiceContext, input: { name: string }): Promise<ImportMappingView> {
  checkMappingName(input.name);
  const row = await inTenant(ctx, (tx) => readImportMapping(tx, input.name));
  if (!row) throw notFoundError(`No import mapping named "${input.name}".`);
  return mappingView(row);
}
