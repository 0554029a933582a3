import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, RouteOptions, onRequestHookHandler, onResponseHookHandler } from 'fastify';
import type { Config } from '../../config.js';
import { excessiveDepthAt, jsonTooDeep } from '../json/json-depth.js';
import { refuseUnsafeText } from '../json/unsafe-text.js';
import { AppError } from '../../domain/app-error.js';
import { unsafeTextIn } from '../../domain/text-safety.js';
import { HttpProblem } from '../problem.js';

export interface RequestLimitsOptions {
  config: Config;
}

/** Import routes take the large body limit and count against the import slots; nothing else does. */
export function isImportRoute(url: string): boolean {
  return /\/import(?:s|-[a-z]+)?(?:\/|$)/.test(url);
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Seconds a refused import is told to wait: about what an import of the maximum size takes. */
const IMPORT_RETRY_AFTER_SECONDS = 5;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set while the request holds an import slot; released once when the response ends. */
    importSlot: (() => void) | null;
  }
}

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * Import slots: at most `perTenant` imports of one tenant and `total` of all tenants at once in
 * this process. An import parses, validates and writes megabytes; without a bound, ten parallel
 * imports of one tenant held everyone's reads up for 21 s (issue 19).
 */
export class ImportSlots {
  private readonly byTenant = new Map<string, number>();
  private running = 0;

  constructor(
    readonly perTenant: number,
    readonly total: number,
  ) {}

  /** The release function, or the refusal: `tenant` (429, its own share is spent) or `total` (503). */
  acquire(tenantId: string): (() => void) | 'tenant' | 'total' {
    const mine = this.byTenant.get(tenantId) ?? 0;
    if (mine >= this.perTenant) return 'tenant';
    if (this.running >= this.total) return 'total';
    this.byTenant.set(tenantId, mine + 1);
    this.running += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
      const left = (this.byTenant.get(tenantId) ?? 1) - 1;
      if (left === 0) this.byTenant.delete(tenantId);
      else this.byTenant.set(tenantId, left);
    };
  }

  get size(): number {
    return this.running;
  }
}

/**
 * Per-route request limits, set centrally when each route is added (routes declare nothing):
 * every route gets the small body limit unless it is an import; JSON bodies are checked for nesting
 * depth before they are parsed; imports take a slot (per tenant and in total) before their body is
 * even read. Registered before the routes, at the root (onRoute sees only routes added later).
 */
export default fp<RequestLimitsOptions>(
  async (app, { config }) => {
    const slots = new ImportSlots(config.importsPerTenant, config.importsTotal);
    app.decorateRequest('importSlot', null);

    const takeImportSlot: onRequestHookHandler = async (request: FastifyRequest, reply: FastifyReply) => {
      const tenantId = request.principal?.tenantId;
      if (!tenantId) return; // authentication answers first
      const slot = slots.acquire(tenantId);
      if (slot === 'tenant') {
        throw new HttpProblem(
          429,
          'too-many-imports',
          `This organisation already runs ${slots.perTenant} import${slots.perTenant === 1 ? '' : 's'}; retry when one has finished.`,
          { retry_after_seconds: IMPORT_RETRY_AFTER_SECONDS },
          { 'retry-after': String(IMPORT_RETRY_AFTER_SECONDS) },
        );
      }
      if (slot === 'total') {
        throw new HttpProblem(
          503,
          'imports-busy',
          'The service is running as many imports as it can; retry shortly.',
          { retry_after_seconds: IMPORT_RETRY_AFTER_SECONDS },
          { 'retry-after': String(IMPORT_RETRY_AFTER_SECONDS) },
        );
      }
      request.importSlot = slot;
      // A client that goes away mid-upload gets neither onResponse nor a reply: the socket tells.
      reply.raw.once('close', slot);
    };
    const releaseImportSlot: onResponseHookHandler = async (request) => {
      request.importSlot?.();
      request.importSlot = null;
    };

    // Path and query values are text too (an audit filter, a mapping name): a NUL or a lone
    // surrogate in one is refused before any schema or query sees it.
    app.addHook('preValidation', async (request) => {
      const errors = [...unsafeTextIn(request.params, 5, '/params'), ...unsafeTextIn(request.query, 5, '/querystring')];
      if (errors.length > 0) throw new AppError('bad-request', 'validation', 'The URL has a value that cannot be stored as text.', { errors });
    });

    app.addHook('onRoute', (route: RouteOptions) => {
      const large = isImportRoute(route.url);
      route.bodyLimit ??= large ? config.bodyLimitBytes : config.smallBodyLimitBytes;
      const methods = asArray(route.method);
      if (large && methods.some((method) => WRITE_METHODS.has(method))) {
        route.onRequest = [...asArray(route.onRequest), takeImportSlot];
        route.onResponse = [...asArray(route.onResponse), releaseImportSlot];
      }
    });

    // The default parser (prototype-poisoning checks and all), behind a depth check that yields,
    // and ahead of a check that every string can be stored (no NUL, no lone surrogate). Import
    // routes take their JSON as bytes instead and run the same three steps on an import worker
    // thread (src/services/imports/import-worker.ts).
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, async (request: FastifyRequest, body: string | Buffer) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      const at = await excessiveDepthAt(text, config.jsonMaxDepth);
      if (at >= 0) throw jsonTooDeep(config.jsonMaxDepth, at);
      const value = await new Promise((resolve, reject) => {
        parseJson(request, text, (error, parsed) => (error ? reject(error) : resolve(parsed)));
      });
      refuseUnsafeText(text, value);
      return value;
    });
  },
  { name: 'request-limits', fastify: '5.x' },
);
