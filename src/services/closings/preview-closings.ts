import { inTenant, requireAdmin, type ServiceContext } from '../context.js';
import type { ClosingsInput } from './closings-input.js';
import { checkClosingsInput } from './import-closings.js';
import { previewOf, type ClosingsPreview } from './prepare-closings.js';

export { PREVIEW_ROWS, type ClosingsPreview } from './prepare-closings.js';

/**
 * What an import of the same input would do, without writing anything (admins: it is a step of
 * the import), on the caller's thread (the bench; the route previews on an import worker through
 * prepareClosingsBody): see previewOf.
 */
export async function previewClosings(ctx: ServiceContext, input: ClosingsInput): Promise<ClosingsPreview> {
  requireAdmin(ctx);
  return previewOf(input, await inTenant(ctx, (tx) => checkClosingsInput(tx, input, ctx.clock())));
}
