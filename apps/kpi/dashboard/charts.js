// Small SVG charts: pure scaling (unit-tested) and the drawing, which needs a document only when called.
import { bucketLabel, formatValue } from './kpi-logic.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 480;
const HEIGHT = 200;
const MARGIN = { top: 12, right: 12, bottom: 28, left: 52 };

/** Maps [d0, d1] linearly onto [r0, r1]; a zero-width domain maps to the middle of the range. */
export function linearScale([d0, d1], [r0, r1]) {
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (value) => r0 + ((value - d0) / (d1 - d0)) * (r1 - r0);
}

/** About `count` round tick values (steps of 1, 2 or 5 × 10ⁿ, the nearest to an even split) covering [min, max]. */
export function niceTicks(min, max, count) {
  if (!(max > min)) return [min];
  const rough = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(rough));
  const error = rough / power;
  const step =
    power * (error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1);
  const ticks = [];
  for (let tick = Math.ceil(min / step) * step; tick <= max + step * 1e-9; tick += step) {
    ticks.push(Number(tick.toPrecision(12)));
  }
  return ticks;
}

/**
 * The y domain of a chart: from 0 (every value here is ≥ 0) to the largest value, rates to at least
 * 100 %, rounded up to a tick; null values (a zero denominator) are ignored.
 */
export function valueDomain(seriesValues, kind) {
  const values = seriesValues.flat().filter((value) => value !== null && Number.isFinite(value));
  const largest = Math.max(kind === 'rate' ? 1 : 0, ...values);
  if (largest === 0) return [0, 1];
  const ticks = niceTicks(0, largest, 4);
  const top = ticks[ticks.length - 1];
  return [0, top < largest ? top + (ticks[1] - ticks[0]) : top];
}

/**
 * SVG path data of a line through `values` at x = `xOf(i)`, y = `yOf(value)`; a null value breaks
 * the line (no point is invented for a bucket without data).
 */
export function linePath(values, xOf, yOf) {
  let path = '';
  let drawing = false;
  values.forEach((value, i) => {
    if (value === null) {
      drawing = false;
      return;
    }
    path += `${drawing ? 'L' : 'M'}${xOf(i).toFixed(1)},${yOf(value).toFixed(1)}`;
    drawing = true;
  });
  return path;
}

/** Indexes of at most `count` evenly spread labels out of `length` (first and last included). */
export function labelIndexes(length, count) {
  if (length <= count) return Array.from({ length }, (_, i) => i);
  const step = (length - 1) / (count - 1);
  return Array.from({ length: count }, (_, i) => Math.round(i * step));
}

function element(name, attributes = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function frame(title) {
  const svg = element('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: 'img',
    'aria-label': title,
    preserveAspectRatio: 'xMidYMid meet',
  });
  svg.append(element('title', {}, title));
  return svg;
}

function yAxis(svg, domain, kind) {
  const y = linearScale(domain, [HEIGHT - MARGIN.bottom, MARGIN.top]);
  for (const tick of niceTicks(domain[0], domain[1], 4)) {
    svg.append(
      element('line', { class: 'grid', x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(tick), y2: y(tick) }),
      element(
        'text',
        { class: 'tick', x: MARGIN.left - 6, y: y(tick) + 4, 'text-anchor': 'end' },
        formatValue(tick, kind),
      ),
    );
  }
  return y;
}

/**
 * A line chart of buckets: `series` = [{ label, values }] (values aligned with `starts`). Each point
 * carries a tooltip; the last value of the first series is in `data-last` for tests and readers.
 */
export function lineChart({ title, kind, starts, granularity, series }) {
  const svg = frame(title);
  const domain = valueDomain(
    series.map((line) => line.values),
    kind,
  );
  const y = yAxis(svg, domain, kind);
  const x = linearScale([0, Math.max(1, starts.length - 1)], [MARGIN.left + 4, WIDTH - MARGIN.right - 4]);
  for (const i of labelIndexes(starts.length, 6)) {
    svg.append(
      element(
        'text',
        { class: 'tick', x: x(i), y: HEIGHT - 8, 'text-anchor': 'middle' },
        bucketLabel(starts[i], granularity),
      ),
    );
  }
  series.forEach((line, n) => {
    svg.append(element('path', { class: `line series-${n}`, d: linePath(line.values, x, y) }));
    line.values.forEach((value, i) => {
      if (value === null) return;
      const point = element('circle', {
        class: `point series-${n}`,
        cx: x(i),
        cy: y(value),
        r: starts.length > 60 ? 1.5 : 3,
      });
      point.append(
        element(
          'title',
          {},
          `${bucketLabel(starts[i], granularity)} ${line.label}: ${formatValue(value, kind)}`,
        ),
      );
      svg.append(point);
    });
  });
  if (series.length > 1) {
    series.forEach((line, n) => {
      const left = MARGIN.left + 8 + n * 70;
      svg.append(
        element('rect', { class: `legend series-${n}`, x: left, y: MARGIN.top, width: 10, height: 10 }),
        element('text', { class: 'legend-label', x: left + 14, y: MARGIN.top + 9 }, line.label),
      );
    });
  }
  return svg;
}

/** The return-reason Pareto chart: bars of units per reason, most first, and the cumulative share line. */
export function paretoChart(title, pareto) {
  const svg = frame(title);
  if (pareto.length === 0) {
    svg.append(
      element(
        'text',
        { class: 'empty', x: WIDTH / 2, y: HEIGHT / 2, 'text-anchor': 'middle' },
        'No authorized returns in this range',
      ),
    );
    return svg;
  }
  const y = yAxis(svg, valueDomain([pareto.map((reason) => reason.units)], 'count'), 'count');
  const share = linearScale([0, 1], [HEIGHT - MARGIN.bottom, MARGIN.top]);
  const slot = (WIDTH - MARGIN.left - MARGIN.right) / pareto.length;
  const centre = (i) => MARGIN.left + slot * (i + 0.5);
  pareto.forEach((reason, i) => {
    const bar = element('rect', {
      class: 'bar',
      x: centre(i) - slot * 0.35,
      y: y(reason.units),
      width: slot * 0.7,
      height: Math.max(0, HEIGHT - MARGIN.bottom - y(reason.units)),
      'data-reason': reason.reasonCode,
      'data-units': reason.units,
    });
    bar.append(
      element(
        'title',
        {},
        `${reason.reasonCode}: ${reason.units} units, ${formatValue(reason.share, 'rate')} (cumulative ${formatValue(reason.cumulativeShare, 'rate')})`,
      ),
    );
    svg.append(
      bar,
      element(
        'text',
        { class: 'tick', x: centre(i), y: HEIGHT - 8, 'text-anchor': 'middle' },
        reason.reasonCode.replace(/_/g, ' ').toLowerCase(),
      ),
    );
  });
  svg.append(
    element('path', {
      class: 'line cumulative',
      d: linePath(
        pareto.map((reason) => reason.cumulativeShare),
        centre,
        share,
      ),
    }),
    element(
      'text',
      { class: 'tick', x: WIDTH - MARGIN.right, y: share(1) - 2, 'text-anchor': 'end' },
      '100%',
    ),
  );
  for (const [i, reason] of pareto.entries()) {
    svg.append(
      element('circle', {
        class: 'point cumulative',
        cx: centre(i),
        cy: share(reason.cumulativeShare),
        r: 3,
      }),
    );
  }
  return svg;
}
