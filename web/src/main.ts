import './styles.css';
import { ApiError, apiGet, goToUpgrade, onBusyChange, setCurrentView, setSignedOutHandler, setUpgradeUrl } from './api';
import { takeTokenFromFragment } from './auth';
import { applyChartTheme, destroyCharts } from './charts/chart';
import { byId, h } from './dom';
import { PeriodPicker } from './period';
import { connectLive, type LiveStatus } from './realtime';
import { Tabs } from './tabs';
import { setupTheme } from './theme';
import type { Branding, Entitlements, Me, MonthList } from './types';
import { emptyState, errorMessage, errorState, loadingState, notAvailable, toast } from './ui';
import type { View } from './view';
import { dashboardView } from './views/dashboard';
import { dataView } from './views/data';
import { dealsView } from './views/deals';
import { marketsView } from './views/markets';
import { myPayView } from './views/my-pay';
import { payoutsView } from './views/payouts';
import { plansView } from './views/plans';
import { predictiveView } from './views/predictive';
import { timelineView } from './views/timeline';

const TENANT_VIEWS: View[] = [dashboardView, timelineView, dealsView, predictiveView, marketsView, plansView, payoutsView, dataView];
/** A payee sees their own pay and nothing else of the tenant (the API refuses them the rest). */
const PAYEE_VIEWS: View[] = [myPayView];
const signin = byId('signin');

function stop(message: string, tone: 'error' | 'info' = 'error'): void {
  byId('tabs').hidden = true;
  for (const panel of document.querySelectorAll<HTMLElement>('[role=tabpanel]')) panel.hidden = true;
  signin.hidden = false;
  signin.replaceChildren(h('div', { class: `state state-${tone === 'error' ? 'error' : 'empty'}`, role: tone === 'error' ? 'alert' : 'status' }, h('p', {}, message)));
}

function showPromo(access: Entitlements): void {
  const badge = byId('promo');
  if (access.subscription_tier !== 'promo') return;
  let days = access.promo_days_left;
  if (days === undefined || days === null) {
    days = access.promo_until ? Math.max(0, Math.ceil((Date.parse(`${access.promo_until}T23:59:59Z`) - Date.now()) / 86_400_000)) : 0;
  }
  badge.textContent = `${days} day${days === 1 ? '' : 's'} of promo left`;
  badge.title = access.promo_until ? `Promotion until ${access.promo_until}` : 'Promotion';
  badge.classList.toggle('badge-warn', days <= 14);
  badge.hidden = false;
}

/** Enterprise white-label: name, logo and colours, when the API has them. */
async function applyBranding(): Promise<void> {
  let branding: Branding;
  try {
    branding = await apiGet<Branding>('/branding');
  } catch {
    return; // No branding route yet, or none set: the product's own look.
  }
  if (!branding.white_label) return;
  const root = document.documentElement;
  const color = /^#[0-9a-f]{6}$/i;
  // Through --brand-*: the stylesheet lightens them in the dark theme so text in them stays readable.
  if (branding.primary_color && color.test(branding.primary_color)) root.style.setProperty('--brand-primary', branding.primary_color);
  if (branding.accent_color && color.test(branding.accent_color)) root.style.setProperty('--brand-accent', branding.accent_color);
  if (branding.name) {
    byId('brand-name').textContent = branding.name;
    document.title = branding.name;
  }
  if (branding.logo_url?.startsWith('https://')) {
    const logo = byId<HTMLImageElement>('brand-logo');
    logo.src = branding.logo_url;
    logo.alt = branding.name ?? '';
    logo.hidden = false;
    logo.addEventListener('error', () => (logo.hidden = true));
  }
  root.dataset.branded = 'true';
}

function showLive(status: LiveStatus): void {
  const live = byId('live');
  live.hidden = status === 'unavailable';
  live.dataset.status = status;
  const text = { connecting: 'Connecting…', live: 'Live', offline: 'Reconnecting…', unavailable: '' }[status];
  live.querySelector('.live-text')!.textContent = text;
  live.title = status === 'live' ? 'Live: views refresh when your data change' : text;
}

async function main(): Promise<void> {
  const token = takeTokenFromFragment();
  if (!token) {
    stop('You are not signed in. Open this app from the marketplace, or in development use the URL that npm start prints.', 'info');
    return;
  }
  setSignedOutHandler((message) => stop(message));
  onBusyChange((count) => document.body.classList.toggle('busy', count > 0));

  const access = await apiGet<Entitlements>('/entitlements');
  setUpgradeUrl(access.upgrade_url);
  if (!access.commission_intelligence) {
    goToUpgrade(access.subscription_tier === 'promo' ? 'Your promotion has ended.' : 'Your organisation has no Commission Intelligence subscription.');
    return;
  }
  // A payee lands on their own statement; an older server without /me is a tenant user's.
  const me = await apiGet<Me>('/me').catch(() => undefined);
  const payee = me?.role === 'payee';
  const VIEWS = payee ? PAYEE_VIEWS : TENANT_VIEWS;
  if (!payee) showPromo(access);
  void applyBranding();
  applyChartTheme();

  const period = new PeriodPicker(byId<HTMLSelectElement>('period'));
  // The period is the analytics'; a payee's view lists their own months instead.
  byId('period').closest('label')!.hidden = payee;
  const refreshMonths = payee
    ? async () => {}
    : () =>
        apiGet<MonthList>('/commissions?limit=200')
          .then((months) => period.fill(months.items))
          .catch(() => period.fill([]));
  void refreshMonths();

  signin.hidden = true;
  /** Until when a change event is the person's own (a save or an import just made here): no "Your data changed" over its message. */
  let ownChangeUntil = 0;
  const dirty = new Set<string>(VIEWS.map((v) => v.id));
  let controller: AbortController | undefined;

  const render = async (id: string) => {
    const view = VIEWS.find((v) => v.id === id)!;
    const panel = tabs.panels.get(id)!;
    controller?.abort();
    const current = new AbortController();
    controller = current;
    dirty.delete(id);
    setCurrentView(id);
    destroyCharts(panel);
    panel.dataset.state = 'loading';
    panel.setAttribute('aria-busy', 'true');
    panel.replaceChildren(loadingState());
    try {
      await view.render({
        panel,
        period: period.current,
        signal: current.signal,
        entitlements: access,
        mount: (content) => {
          if (!current.signal.aborted) panel.replaceChildren(content);
        },
        go: (target, fresh) => {
          if (fresh) dirty.add(target);
          tabs.select(target, true);
        },
        rerender: () => void render(id),
        dataChanged: () => {
          ownChangeUntil = Date.now() + 15_000;
          for (const v of VIEWS) if (v.id !== id) dirty.add(v.id);
          void refreshMonths();
        },
      });
      if (current.signal.aborted) return;
      panel.dataset.state = 'ready';
    } catch (error) {
      if (current.signal.aborted || (error instanceof DOMException && error.name === 'AbortError')) return;
      if (error instanceof ApiError && (error.kind === 'paywall' || error.kind === 'unauthorized')) return;
      destroyCharts(panel);
      if (error instanceof ApiError && error.kind === 'no-data') {
        // The API's detail speaks to developers (as_of, ranges); say what to do instead.
        const count = (path: string) => apiGet<{ total: number }>(path).then((m) => m.total, () => 0);
        const any = (await count('/commissions?limit=1')) + (await count('/closings?limit=1')) > 0;
        if (current.signal.aborted) return;
        panel.dataset.state = 'empty';
        panel.replaceChildren(
          any
            ? emptyState('No commission data in this period', 'Pick a longer period above, or import the months it covers.', { label: 'Import data', onClick: () => tabs.select('data', true) })
            : emptyState('No commission data yet', 'Import your first month: your closings spreadsheet as it is (CSV or xlsx, one row per deal), or a payee month (JSON or CSV). This view then fills in.', { label: 'Import data', onClick: () => tabs.select('data', true) }),
        );
      } else if (error instanceof ApiError && error.kind === 'missing-route') {
        panel.dataset.state = 'empty';
        panel.replaceChildren(notAvailable(view.label, 'This part of the service is not deployed on this server yet.'));
      } else {
        panel.dataset.state = 'error';
        panel.replaceChildren(errorState(error, () => void render(id)));
      }
    } finally {
      if (controller === current) panel.removeAttribute('aria-busy');
    }
  };

  const tabs = new Tabs(byId('tabs'), byId('main'), VIEWS, (id) => {
    history.replaceState(null, '', `#${id}`);
    if (dirty.has(id) || tabs.panels.get(id)!.dataset.state !== 'ready') void render(id);
  });

  period.onChange(() => {
    for (const v of VIEWS) dirty.add(v.id);
    if (tabs.current) void render(tabs.current);
  });
  setupTheme(byId<HTMLButtonElement>('theme'), () => {
    applyChartTheme();
    for (const v of VIEWS) dirty.add(v.id);
    if (tabs.current) void render(tabs.current);
  });

  const initial = location.hash.slice(1);
  tabs.select(tabs.has(initial) ? initial : VIEWS[0]!.id);
  window.addEventListener('hashchange', () => {
    const id = location.hash.slice(1);
    if (tabs.has(id)) tabs.select(id);
  });

  // Live refresh: a change to the tenant's data marks every view stale and redraws the open one,
  // once per burst of events (an import of many months sends many). Not for a payee: the change
  // feed is the tenant's, and they may not read it.
  if (payee) return;
  let pending: number | undefined;
  connectLive({
    onStatus: showLive,
    onEvent: ({ event }) => {
      if (event !== 'change' && event !== 'resync') return;
      window.clearTimeout(pending);
      pending = window.setTimeout(() => {
        for (const v of VIEWS) dirty.add(v.id);
        void refreshMonths();
        const open = tabs.current;
        // Plans, Payouts and Import hold what the person is doing (a draft, a form, an outcome):
        // they refresh their own parts, and are redrawn on the next visit.
        if (open && open !== 'plans' && open !== 'payouts' && open !== 'data' && tabs.panels.get(open)!.dataset.state !== 'loading') void render(open);
        if (event === 'change' && Date.now() > ownChangeUntil) toast('Your data changed: views refreshed.');
      }, 600);
    },
  });
}

main().catch((error: unknown) => {
  if (error instanceof ApiError && (error.kind === 'paywall' || error.kind === 'unauthorized')) return;
  stop(errorMessage(error));
});
