import http from 'node:http';
import https from 'node:https';
import type { ErrorEvent, EventHint } from '@sentry/node-core/light';
import type { ErrorReportingConfig } from '../config.js';
import type { StatusLog } from './connection-status.js';
import { redactSecrets } from './redact-url.js';

/** What is known about a request that failed on our side; nothing of its body, query, headers or caller. */
export interface ServerErrorContext {
  method: string;
  /** The route pattern (`/api/v1/commissions/:month`), never the URL. */
  route: string;
  statusCode: number;
  requestId: string;
  /** The internal tenant uuid (pseudonymous), when the caller was authenticated. */
  tenantId: string | undefined;
  /** This request's own identifying values (org id, e-mail, user id, token): cut out of any message that quotes them. */
  redact: string[];
}

/** Reports server-side failures somewhere people will look. Never throws, never waits in the request path. */
export interface ErrorReporter {
  /** A request that ended in a 5xx because of `error`. */
  reportServerError(error: unknown, context: ServerErrorContext): void;
  /** An uncaught exception or unhandled rejection that stops the process. */
  reportProcessError(error: unknown): void;
  /** Sends what is queued (bounded wait) and stops. */
  close(): Promise<void>;
}

/** Longest the shutdown waits for Sentry. */
const CLOSE_TIMEOUT_MS = 2_000;
/** The `contexts` Sentry may keep: runtime, OS and process facts from nodeContextIntegration, and the trace ids. */
const KEPT_CONTEXTS = new Set(['app', 'cloud_resource', 'culture', 'device', 'os', 'runtime', 'trace']);
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const QUERY = /\?[^\s"'#]*=[^\s"'#]*/g;

/** A message with this request's identifying values, tokens, e-mail addresses and query strings cut out. */
export function scrubText(text: string, redact: readonly string[]): string {
  let scrubbed = text;
  for (const value of redact) if (value.length >= 3) scrubbed = scrubbed.split(value).join('[redacted]');
  return redactSecrets(scrubbed).replace(EMAIL, '[email]').replace(QUERY, '?[query]');
}

/**
 * `beforeSend`: what leaves is the exception (type, scrubbed message, stack frames without local
 * variables), our tags, runtime facts and the environment. Request data, user, breadcrumbs and extras
 * are dropped whatever put them there, so an integration added later cannot widen this by accident.
 */
export function scrubEvent(event: ErrorEvent, redact: readonly string[]): ErrorEvent {
  delete event.request;
  delete event.user;
  delete event.breadcrumbs;
  delete event.extra;
  if (event.contexts) {
    for (const key of Object.keys(event.contexts)) if (!KEPT_CONTEXTS.has(key)) delete event.contexts[key];
  }
  if (event.message) event.message = scrubText(event.message, redact);
  for (const exception of event.exception?.values ?? []) {
    if (exception.value) exception.value = scrubText(exception.value, redact);
    for (const frame of exception.stacktrace?.frames ?? []) delete frame.vars;
  }
  return event;
}

function redactionsOf(hint: EventHint): string[] {
  const data: unknown = hint.data;
  const redact = typeof data === 'object' && data !== null ? (data as { redact?: unknown }).redact : undefined;
  return Array.isArray(redact) ? redact.filter((value): value is string => typeof value === 'string') : [];
}

/** Sentry's transport gives a request no deadline: one that gets no answer in this time is abandoned. */
export const SENTRY_SEND_TIMEOUT_MS = 5_000;

/** Node's http(s).request, with that deadline on every request the transport makes. */
const timedHttpModule = {
  request(options: http.RequestOptions, callback?: (response: http.IncomingMessage) => void): http.ClientRequest {
    const request = (options.protocol === 'https:' ? https : http).request(options, callback);
    request.setTimeout(SENTRY_SEND_TIMEOUT_MS, () => request.destroy(new Error(`Sentry did not answer within ${SENTRY_SEND_TIMEOUT_MS} ms`)));
    return request;
  },
};

/**
 * Sentry when SENTRY_DSN is set, otherwise nothing (and the SDK is never loaded). `@sentry/node-core`
 * in its light mode, as a client of our own rather than `Sentry.init()`: no global handlers, no
 * OpenTelemetry, no automatic instrumentation, no performance tracing; only the errors we hand it.
 */
export async function createErrorReporter(config: ErrorReportingConfig, log: StatusLog): Promise<ErrorReporter | undefined> {
  if (!config.dsn) return undefined;
  const Sentry = await import('@sentry/node-core/light');
  const client = new Sentry.LightNodeClient({
    dsn: config.dsn,
    environment: config.environment,
    transport: Sentry.makeNodeTransport,
    transportOptions: { httpModule: timedHttpModule },
    stackParser: Sentry.defaultStackParser,
    // Error causes, and runtime/OS facts. Not the defaults: they add request data, console and HTTP
    // breadcrumbs, local variables and source lines.
    integrations: [Sentry.linkedErrorsIntegration(), Sentry.nodeContextIntegration()],
    tracesSampleRate: 0,
    sendDefaultPii: false,
    sendClientReports: false,
    maxBreadcrumbs: 0,
    beforeSend: (event, hint) => scrubEvent(event, redactionsOf(hint)),
  });
  const base = new Sentry.Scope();
  base.setClient(client);
  client.init();
  log.info({ component: 'sentry', environment: config.environment }, 'error reporting to Sentry is on (server errors only)');

  const capture = (error: unknown, prepare: (scope: InstanceType<typeof Sentry.Scope>) => void, redact: string[]) => {
    try {
      // A scope per event: nothing of one request can ride along with the next.
      const scope = base.clone();
      prepare(scope);
      scope.captureException(error, { data: { redact } });
    } catch (failure) {
      log.warn({ component: 'sentry', error: failure instanceof Error ? failure.message : String(failure) }, 'could not report an error to Sentry');
    }
  };

  return {
    reportServerError(error, context) {
      capture(
        error,
        (scope) => {
          scope.setTransactionName(`${context.method} ${context.route}`);
          scope.setTags({
            route: context.route,
            method: context.method,
            status_code: String(context.statusCode),
            request_id: context.requestId,
            ...(context.tenantId ? { tenant: context.tenantId } : {}),
          });
        },
        context.redact,
      );
    },
    reportProcessError(error) {
      capture(error, (scope) => scope.setTag('origin', 'process'), []);
    },
    async close() {
      await client.close(CLOSE_TIMEOUT_MS);
    },
  };
}
