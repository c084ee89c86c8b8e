// The dashboard page: filters → GET /kpis (+ the previous period, reasons, inventory) → tiles, charts
// and tables; GET /kpis/stream keeps them live. Everything is built with DOM calls and textContent
// (never innerHTML with API data).
import { ApiError, apiKeyStore, authorizationHeader, getJson } from './api.js';
import { lineChart, paretoChart } from './charts.js';
import {
  apiRange,
  CHARTS,
  filtersFromSearch,
  formatTrend,
  formatValue,
  freshnessSummary,
  lastDays,
  mergeBuckets,
  metricValue,
  paretoSeries,
  previousPeriod,
  searchFromFilters,
  sortPositions,
  TILES,
  trend,
} from './kpi-logic.js';
import { readEventStream, StreamRefused } from './sse.js';

const REFRESH_AFTER_CHANGE_MS = 300;
// what the stream does not announce (a position's reorder point, alerts) is re-read this often
const REFRESH_EVERY_MS = 60_000;
const FRESHNESS_TICK_MS = 5_000;
const RECONNECT_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

const $ = (id) => document.getElementById(id);

const state = {
  filters: filtersFromSearch(location.search, Date.now()),
  report: null,
  freshness: null,
  live: null,
  loadController: null,
  streamController: null,
  refreshTimer: null,
  refreshing: false,
  refreshWanted: false,
  changeId: null,
  loads: 0,
};

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function showMessage(text) {
  $('message').textContent = text;
  $('message').hidden = text === '';
}

// ---- the API key, entered once ----

function askForKey(reason) {
  $('key-reason').textContent = reason;
  $('key-input').value = '';
  if (!$('key-dialog').open) $('key-dialog').showModal();
  $('key-input').focus();
}

function keyRefused(error) {
  if (!(error instanceof ApiError || error instanceof StreamRefused)) return false;
  if (error.status !== 401 && error.status !== 403) return false;
  stopStream();
  askForKey(error.status === 401 ? 'The API key was not accepted.' : 'This key lacks the kpi:read scope.');
  return true;
}

// ---- filters ----

function fillFilterForm() {
  const form = $('filters');
  for (const [name, value] of Object.entries(state.filters)) {
    if (form.elements[name]) form.elements[name].value = value;
  }
}

function readFilterForm() {
  const form = $('filters');
  const read = (name) => form.elements[name].value.trim();
  return {
    fromDate: read('fromDate'),
    toDate: read('toDate'),
    granularity: read('granularity'),
    warehouseId: read('warehouseId'),
    channel: read('channel'),
    sku: read('sku'),
  };
}

function applyFilters(filters) {
  if (apiRange(filters.fromDate, filters.toDate) === null) {
    showMessage('The range is empty: "to" must not be before "from".');
    return;
  }
  const streamChanged = ['granularity', 'warehouseId', 'channel', 'sku'].some(
    (name) => filters[name] !== state.filters[name],
  );
  state.filters = filters;
  history.replaceState(null, '', searchFromFilters(filters));
  fillFilterForm();
  void load();
  if (streamChanged) startStream();
}

function rememberOption(listId, value) {
  const list = $(listId);
  if (!value || [...list.options].some((option) => option.value === value)) return;
  const option = document.createElement('option');
  option.value = value;
  list.append(option);
}

// ---- loading and rendering ----

async function load() {
  state.loadController?.abort();
  const controller = new AbortController();
  state.loadController = controller;
  const { from, to } = apiRange(state.filters.fromDate, state.filters.toDate);
  const { granularity, warehouseId, channel, sku } = state.filters;
  const before = previousPeriod(from, to);
  $('dashboard').setAttribute('aria-busy', 'true');
  try {
    const [report, previous, reasons, positions, alerts] = await Promise.all([
      getJson('/kpis', { from, to, granularity, warehouseId, channel, sku }, controller.signal),
      // the previous period needs its totals only: one bucket of the coarsest granularity is cheapest
      getJson('/kpis', { ...before, granularity: 'month', warehouseId, channel, sku }, controller.signal),
      getJson('/kpis/returns/reasons', { from, to, warehouseId, sku }, controller.signal),
      getJson('/kpis/inventory', { warehouseId, sku }, controller.signal),
      loadAlerts(warehouseId, controller.signal),
    ]);
    if (controller.signal.aborted) return;
    state.report = report;
    state.freshness = report.freshness;
    renderTiles(report.totals, previous.totals);
    renderCharts();
    renderPareto(reasons);
    renderInventory(positions);
    renderAlerts(alerts);
    renderFreshness();
    showMessage('');
    state.loads += 1;
    $('dashboard').dataset.loads = String(state.loads);
  } catch (error) {
    if (controller.signal.aborted) return;
    if (!keyRefused(error)) showMessage(`Could not load the KPIs: ${error.message}`);
  } finally {
    if (state.loadController === controller) $('dashboard').setAttribute('aria-busy', 'false');
  }
}

/**
 * The open alerts where the service answers GET /alerts, else null and the panel hides: a service
 * without alerts answers 404, and a key the KPIs accept may still be refused the alerts.
 */
async function loadAlerts(warehouseId, signal) {
  try {
    const answer = await getJson('/alerts', { warehouseId }, signal);
    return Array.isArray(answer) ? answer : (answer.items ?? []);
  } catch (error) {
    if (error instanceof ApiError) return null;
    throw error;
  }
}

function renderTiles(totals, previousTotals) {
  const tiles = $('tiles');
  tiles.replaceChildren();
  for (const tile of TILES) {
    const value = metricValue(totals, tile.key);
    const change = trend(value, metricValue(previousTotals, tile.key), tile.kind, tile.better);
    const card = make('article', 'tile');
    card.dataset.metric = tile.key;
    card.dataset.value = value === null ? '' : String(value);
    const arrow = change.direction === 'up' ? '▲' : change.direction === 'down' ? '▼' : '';
    const trendLine = make(
      'p',
      `trend ${change.sentiment}`,
      `${arrow} ${formatTrend(change, tile.kind)}`.trim(),
    );
    trendLine.title = 'against the previous period of the same length';
    card.append(
      make('h3', 'tile-label', tile.label),
      make('p', 'tile-value', formatValue(value, tile.kind)),
      trendLine,
    );
    tiles.append(card);
  }
}

function renderCharts() {
  const container = $('charts');
  container.replaceChildren();
  const { buckets, granularity } = state.report;
  const starts = buckets.map((bucket) => bucket.start);
  for (const chart of CHARTS) {
    const figure = make('figure', 'chart');
    figure.dataset.chart = chart.id;
    const series = chart.series.map((line) => ({
      label: line.label,
      values: buckets.map((bucket) => metricValue(bucket.metrics, line.key)),
    }));
    figure.dataset.sum = String(series[0].values.reduce((sum, value) => sum + (value ?? 0), 0));
    figure.append(
      make('figcaption', '', chart.title),
      lineChart({ title: chart.title, kind: chart.kind, starts, granularity, series }),
    );
    container.append(figure);
  }
}

function renderPareto(reasons) {
  const pareto = paretoSeries(reasons);
  const figure = $('pareto');
  figure.replaceChildren(
    make('figcaption', '', 'Return reasons (Pareto, units)'),
    paretoChart('Return reasons', pareto),
  );
  figure.dataset.reasons = String(pareto.length);
}

function renderInventory(positions) {
  const body = $('inventory-rows');
  body.replaceChildren();
  const sorted = sortPositions(positions);
  for (const position of sorted) {
    rememberOption('warehouse-options', position.warehouseId);
    rememberOption('sku-options', position.sku);
    const row = make('tr', position.belowReorderPoint ? 'below-reorder-point' : '');
    row.dataset.position = `${position.warehouseId}/${position.sku}`;
    const cells = [
      position.warehouseId,
      position.sku,
      formatValue(position.onHand, 'count'),
      formatValue(position.reserved, 'count'),
      formatValue(position.available, 'count'),
      formatValue(position.reorderPoint, 'count'),
      position.daysOfSupply === null ? '—' : position.daysOfSupply.toFixed(1),
      position.belowReorderPoint ? 'below reorder point' : 'ok',
    ];
    for (const text of cells) row.append(make('td', '', text));
    body.append(row);
  }
  const below = sorted.filter((position) => position.belowReorderPoint).length;
  $('inventory-summary').textContent =
    positions.length === 0
      ? 'No positions for these filters.'
      : `${positions.length} positions, ${below} below their reorder point.`;
}

function renderAlerts(alerts) {
  const panel = $('alerts');
  panel.hidden = alerts === null;
  if (alerts === null) return;
  const list = $('alert-list');
  list.replaceChildren();
  if (alerts.length === 0) list.append(make('li', 'none', 'No open alerts.'));
  for (const alert of alerts) {
    const item = make('li', `alert ${alert.severity ?? ''}`);
    const subject = [alert.warehouseId, alert.orderId, alert.returnId, alert.sku].filter(Boolean).join(' · ');
    item.append(
      make('strong', '', `${alert.severity ?? 'alert'} · ${alert.kind ?? ''}`),
      make('span', '', ` ${subject}`),
    );
    if (alert.summary) item.append(make('span', 'alert-summary', ` — ${alert.summary}`));
    if (alert.raisedAt) item.append(make('span', 'alert-time', ` (since ${utcMinute(alert.raisedAt)})`));
    list.append(item);
  }
}

const utcMinute = (time) => `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function renderFreshness() {
  const summary = freshnessSummary(state.freshness, Date.now());
  const indicator = $('freshness');
  indicator.textContent = summary.text;
  indicator.classList.toggle('stale', summary.stale);
  if (state.freshness) indicator.dataset.computedAt = state.freshness.computedAt;
  if (state.live) {
    $('live').textContent =
      `live update ${new Date(state.live.at).toISOString().slice(11, 19)} UTC (${state.live.what})`;
    if (state.changeId !== null) $('live').dataset.changeId = state.changeId;
  }
}

// ---- the live stream ----

function setStreamStatus(status, text) {
  const indicator = $('stream-status');
  indicator.dataset.status = status;
  indicator.textContent = text;
}

function stopStream() {
  state.streamController?.abort();
  state.streamController = null;
  setStreamStatus('off', 'not live');
}

function onStreamEvent({ id, event, data }) {
  let message;
  try {
    message = JSON.parse(data);
  } catch {
    return;
  }
  // alert events carry no id of their own (the parser keeps the last change's)
  state.live = { what: event === 'alert' ? 'alert' : `change ${id}`, at: Date.now() };
  if (event !== 'alert') state.changeId = id;
  if (event === 'kpi-buckets' && state.report && message.granularity === state.report.granularity) {
    const merged = mergeBuckets(state.report.buckets, message.buckets ?? []);
    if (merged.replaced > 0) {
      state.report = { ...state.report, buckets: merged.buckets };
      renderCharts();
    }
  }
  renderFreshness();
  // totals, trends and rates cannot be summed from buckets: re-read them
  scheduleRefresh();
}

/**
 * One re-read shortly after a change, and at most one at a time: while one runs, later changes ask for
 * one more after it. (Restarting on every change would starve the page on a busy stream.)
 */
function scheduleRefresh() {
  state.refreshWanted = true;
  if (state.refreshing || state.refreshTimer !== null) return;
  state.refreshTimer = setTimeout(async () => {
    state.refreshTimer = null;
    state.refreshing = true;
    state.refreshWanted = false;
    try {
      await load();
    } finally {
      state.refreshing = false;
      if (state.refreshWanted) scheduleRefresh();
    }
  }, REFRESH_AFTER_CHANGE_MS);
}

function startStream() {
  stopStream();
  const controller = new AbortController();
  state.streamController = controller;
  const { granularity, warehouseId, channel, sku } = state.filters;
  const query = new URLSearchParams(
    Object.entries({ granularity, warehouseId, channel, sku }).filter(([, value]) => value !== ''),
  );
  void (async () => {
    let lastEventId = '';
    let failures = 0;
    while (!controller.signal.aborted) {
      setStreamStatus('connecting', 'connecting…');
      try {
        lastEventId = await readEventStream({
          url: `/kpis/stream?${query}`,
          headers: authorizationHeader(),
          lastEventId,
          signal: controller.signal,
          onOpen: () => {
            failures = 0;
            setStreamStatus('live', 'live');
          },
          onEvent: onStreamEvent,
        });
      } catch (error) {
        if (controller.signal.aborted) return;
        if (keyRefused(error)) return;
        if (error instanceof StreamRefused && error.status === 400) {
          setStreamStatus('off', 'not live: the stream refused these filters');
          return;
        }
        failures += 1;
      }
      if (controller.signal.aborted) return;
      setStreamStatus('reconnecting', 'reconnecting…');
      const wait = RECONNECT_MS[Math.min(failures, RECONNECT_MS.length - 1)];
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
}

// ---- wiring ----

function start() {
  $('key-dialog').close();
  void load();
  startStream();
}

function wire() {
  fillFilterForm();
  $('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    applyFilters(readFilterForm());
  });
  $('granularity').addEventListener('change', () => applyFilters(readFilterForm()));
  for (const button of document.querySelectorAll('[data-days]')) {
    button.addEventListener('click', () =>
      applyFilters({ ...readFilterForm(), ...lastDays(Number(button.dataset.days), Date.now()) }),
    );
  }
  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = $('key-input').value.trim();
    if (key === '') return;
    apiKeyStore.set(key);
    start();
  });
  $('change-key').addEventListener('click', () => {
    apiKeyStore.clear();
    stopStream();
    askForKey('Enter an API key with the kpi:read scope.');
  });
  setInterval(renderFreshness, FRESHNESS_TICK_MS);
  setInterval(() => {
    if (state.report !== null && !document.hidden && !$('key-dialog').open) void load();
  }, REFRESH_EVERY_MS);
  if (apiKeyStore.get() === '') askForKey('Enter an API key with the kpi:read scope (kept in this browser).');
  else start();
}

wire();
