/**
 * The web app's views (web/src/views, `View.id`). The dashboard names the open one in an
 * `x-cip-view` header on its API calls, so usage can be counted per tab; only these names are
 * believed, anything else counts as no view (a bounded label set, and nothing a client makes up).
 */
const DASHBOARD_VIEWS = ['dashboard', 'timeline', 'deals', 'predictive', 'markets', 'plans', 'payouts', 'data', 'statements'] as const;

export type DashboardView = (typeof DASHBOARD_VIEWS)[number];

export const VIEW_HEADER = 'x-cip-view';

const KNOWN = new Set<string>(DASHBOARD_VIEWS);

/** The view a request's `x-cip-view` header names, if it is one of ours. */
export function dashboardView(header: string | string[] | undefined): DashboardView | undefined {
  return typeof header === 'string' && KNOWN.has(header) ? (header as DashboardView) : undefined;
}
