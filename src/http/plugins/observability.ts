import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import type { ErrorReporter } from '../../observability/error-reporting.js';
import type { ProductAnalytics } from '../../observability/product-analytics.js';
import { dashboardView, VIEW_HEADER } from '../../observability/dashboard-view.js';

export interface ObservabilityPluginOptions {
  /** Sentry, when configured: errors that ended in a 5xx. */
  errorReporter?: ErrorReporter | undefined;
  /** PostHog, when configured: one event per authenticated API request. */
  analytics?: ProductAnalytics | undefined;
}

/**
 * Usage per dashboard view in /metrics, and the optional outbound reporting. Everything happens in
 * onResponse, after the reply is sent: the status is final (the errors plugin has decided between a
 * 4xx and a 500), and nothing here can delay or fail a request.
 */
async function observabilityPlugin(app: FastifyInstance, options: ObservabilityPluginOptions) {
  const { errorReporter, analytics } = options;
  const views = new Counter({
    name: 'cip_view_requests_total',
    help: 'Authenticated API requests per dashboard view (the web app names it in x-cip-view); no tenant label.',
    labelNames: ['view'] as const,
    registers: [app.metricsRegistry],
  });

  // onError runs before the error handler turns the error into a response: remember it, and report it
  // once the response shows whether it was the server's fault.
  const failures = new WeakMap<FastifyRequest, Error>();
  if (errorReporter) {
    app.addHook('onError', async (request, _reply, error) => {
      failures.set(request, error);
    });
  }

  // A callback hook: nothing here waits (the SDKs queue), so no promise per request.
  const record = (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const principal = request.principal;
    const error = failures.get(request);
    if (errorReporter && error && reply.statusCode >= 500) {
      const token = request.headers.authorization?.replace(/^Bearer\s+/i, '');
      errorReporter.reportServerError(error, {
        method: request.method,
        route,
        statusCode: reply.statusCode,
        requestId: request.id,
        tenantId: principal?.tenantId,
        redact: [principal?.orgId, principal?.email, principal?.userId, principal?.sessionId, token].filter(
          (value): value is string => typeof value === 'string',
        ),
      });
    }
    if (!principal) return;
    const view = dashboardView(request.headers[VIEW_HEADER]);
    if (view) views.inc({ view });
    analytics?.apiRequest({
      tenantId: principal.tenantId,
      method: request.method,
      route,
      feature: request.featureUsed,
      statusCode: reply.statusCode,
      view,
    });
  };
  app.addHook('onResponse', (request, reply, done) => {
    record(request, reply);
    done();
  });
}

export default fp(observabilityPlugin, { name: 'observability', dependencies: ['metrics', 'auth'] });
