import type { ImportMapping } from '../../domain/closings/mapping.js';
import type { PreparedMonth } from '../../domain/imports/prepare.js';
import type { ClosingsPreview, PreparedClosings } from '../closings/prepare-closings.js';

/** A payee import's body as the route received it: bytes, undecoded and unparsed. */
export interface PayeeBody {
  bytes: Uint8Array;
  format: 'json' | 'csv' | 'xlsx';
  /** The request's content type (a CSV's charset). */
  contentType: string;
  /** `?month=` as sent (a CSV names its month there). */
  month: string | undefined;
  jsonMaxDepth: number;
  terminationThreshold: number;
  /** The service's clock, ISO 8601. */
  today: string;
}

/** A closings body: JSON bytes, or a spreadsheet (CSV, xlsx) with the mapping to read it through. */
export interface ClosingsBody {
  bytes: Uint8Array;
  format: 'json' | 'sheet';
  contentType: string;
  /** `?month=`: the month the caller meant (required with a spreadsheet, checked before). */
  month: string | undefined;
  /** With a spreadsheet: the mapping, saved or sent with the request, checked already. */
  mapping: ImportMapping | null;
  /** What is asked: the rows to write, or the preview. */
  purpose: 'import' | 'preview';
  jsonMaxDepth: number;
  /** The tenant's roster (agents and managers), for the "new person" warnings. */
  roster: string[];
  terminationThreshold: number;
  today: string;
}

/** What the worker made of a closings body: the rows to write, or the preview (with the workbook's sheets for a spreadsheet). */
export type PreparedClosingsBody =
  | { purpose: 'import'; prepared: PreparedClosings }
  | { purpose: 'preview'; preview: ClosingsPreview; sheets?: string[]; sheet?: string | null };

/**
 * Imports' CPU on a small pool of worker threads (piscina; made by src/http/import-workers/, since
 * reading a body is the edge's work), apart from the plan workers so that an
 * import never waits on a simulation nor answers `plans-busy`: the event loop receives an import's
 * bytes and writes what the worker made of them (src/domain/imports/prepare.ts), and never parses,
 * validates nor rolls up a month itself. The import slots (request-limits.ts) already bound how
 * many imports run; admission here is the plan workers' (FairAdmission): a tenant occupies at most
 * its share of the threads, and a free thread goes to the waiting tenant running fewest. Beyond
 * its places (a flood of closings previews, which take no import slot), the answer is 503
 * `imports-busy` with Retry-After.
 */
export interface ImportWorkers {
  /** A payee month read, checked and made into rows; the body's refusals (400, 413, 415, 422) as AppErrors. */
  preparePayees(body: PayeeBody, tenantId: string): Promise<PreparedMonth>;
  /** A closings month read (JSON, or a spreadsheet through its mapping), checked, and made into rows or a preview. */
  prepareClosings(body: ClosingsBody, tenantId: string): Promise<PreparedClosingsBody>;
  close(): Promise<void>;
}
