import type { ImportMappingRow } from '../../db/import-mappings.js';
import { badRequest } from '../../domain/app-error.js';
import { MAPPING_NAME, type ImportMapping } from '../../domain/closings/mapping.js';

export interface ImportMappingView {
  name: string;
  mapping: ImportMapping;
  created_at: string;
  updated_at: string;
}

export function mappingView(row: ImportMappingRow): ImportMappingView {
  return { name: row.name, mapping: row.mapping, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() };
}

/** Routes check the name by schema; the CLI and jobs come through here too. */
export function checkMappingName(name: string): void {
  if (!MAPPING_NAME.test(name)) {
    throw badRequest('A mapping name is 1 to 100 letters, digits, spaces, ".", "_" or "-", starting with a letter or digit.', [
      { pointer: '/name', message: `"${name.slice(0, 100)}" is not a mapping name` },
    ]);
  }
}
