import { apiGet } from '../api';
import { loadPlotly, MAP_CONFIG, type PlotlyModule } from '../charts/map';
import { palette } from '../charts/chart';
import { h } from '../dom';
import { formatInt, formatMoney, formatRate } from '../format';
import type { MarketsView } from '../types';
import { emptyState, loadingState, section } from '../ui';
import { query, type View } from '../view';

let drawn: { plotly: PlotlyModule; element: HTMLElement } | undefined;

export const marketsView: View = {
  id: 'markets',
  label: 'Markets',
  async render(ctx) {
    if (drawn) {
      drawn.plotly.purge(drawn.element);
      drawn = undefined;
    }
    // Plotly's chunk and the data load side by side.
    const [data, plotly] = await Promise.all([apiGet<MarketsView>(`/analytics/markets?${query(ctx.period)}`, ctx.signal), loadPlotly()]);
    if (data.markets.length === 0) {
      ctx.mount(emptyState('No markets in this period', 'Markets come from the agents’ and deals’ "market" field in imports.', { label: 'Import data', onClick: () => ctx.go('data') }));
      return;
    }
    const placed = data.markets.filter((m) => m.coordinates !== null);
    const unplaced = data.markets.length - placed.length;
    const map = h('div', { id: 'market-map', class: 'map', role: 'figure', 'aria-label': `Map of ${placed.length} US markets: bubble size is deal volume, colour is termination risk`, 'data-points': placed.length }, loadingState('Drawing the map…'));
    const table = h(
      'table',
      { class: 'table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Market'), h('th', { class: 'num' }, 'Contracts'), h('th', { class: 'num hide-narrow' }, 'GP'), h('th', { class: 'num' }, 'Risk'))),
      h(
        'tbody',
        {},
        ...data.markets.map((m) =>
          h(
            'tr',
            {},
            h('td', {}, m.name, m.coordinates ? '' : ' (not on the map)'),
            h('td', { class: 'num' }, formatInt(m.contracts)),
            h('td', { class: 'num hide-narrow' }, formatMoney(m.gp)),
            h('td', { class: 'num' }, formatRate(m.termination_risk)),
          ),
        ),
      ),
    );
    ctx.mount(
      h(
        'div',
        { class: 'view' },
        section(
          'Markets',
          h('p', { class: 'muted' }, 'Bubble size: deal volume (closed plus terminated contracts). Colour: termination risk, the market’s rate shrunk toward your overall rate so small markets are not judged on a few deals.'),
          map,
          unplaced ? h('p', { class: 'muted' }, `${unplaced} market${unplaced === 1 ? ' has' : 's have'} no known coordinates and ${unplaced === 1 ? 'is' : 'are'} listed below only.`) : null,
        ),
        section('All markets', h('div', { class: 'table-wrap' }, table)),
      ),
    );

    const colors = palette();
    const maxContracts = Math.max(...placed.map((m) => m.contracts), 1);
    const dark = getComputedStyle(document.documentElement).getPropertyValue('--scheme').trim() === 'dark';
    map.replaceChildren();
    // Bubbles and the colour bar scale with the map, so a phone shows states, not just circles.
    const width = map.clientWidth || 800;
    const narrow = width < 600;
    const maxBubble = Math.max(14, Math.min(45, width / 14));
    await plotly.newPlot(
      map,
      [
        {
          type: 'scattergeo',
          locationmode: 'USA-states',
          lat: placed.map((m) => m.coordinates!.lat),
          lon: placed.map((m) => m.coordinates!.lon),
          text: placed.map((m) => `${m.name}<br>${m.contracts} contracts, ${formatMoney(m.gp)} GP<br>termination risk ${formatRate(m.termination_risk)}`),
          hoverinfo: 'text',
          marker: {
            size: placed.map((m) => m.contracts),
            sizemode: 'area',
            sizeref: (2 * maxContracts) / maxBubble ** 2,
            sizemin: 4,
            color: placed.map((m) => (m.termination_risk ?? 0) * 100),
            cmin: 0,
            colorscale: [
              [0, '#1a9850'],
              [0.5, '#fee08b'],
              [1, '#d73027'],
            ],
            line: { color: dark ? '#0b1020' : '#ffffff', width: 1 },
            opacity: 0.85,
            colorbar: narrow
              ? { title: { text: 'Risk %', side: 'top' }, orientation: 'h', thickness: 10, len: 0.9, x: 0.5, xanchor: 'center', y: -0.02, yanchor: 'top', ticksuffix: '%' }
              : { title: { text: 'Risk %' }, thickness: 12, len: 0.8, ticksuffix: '%' },
          },
        },
      ],
      {
        geo: {
          scope: 'usa',
          projection: { type: 'albers usa' },
          showland: true,
          landcolor: dark ? '#1e2638' : '#eef1f6',
          subunitcolor: dark ? '#3a4560' : '#c5cbd8',
          countrycolor: dark ? '#3a4560' : '#c5cbd8',
          showlakes: false,
          bgcolor: 'rgba(0,0,0,0)',
        },
        paper_bgcolor: 'rgba(0,0,0,0)',
        plot_bgcolor: 'rgba(0,0,0,0)',
        font: { color: colors.text },
        margin: { l: 0, r: 0, t: 0, b: narrow ? 50 : 0 },
        autosize: true,
      },
      MAP_CONFIG,
    );
    map.dataset.rendered = 'true';
    drawn = { plotly, element: map };
  },
};
