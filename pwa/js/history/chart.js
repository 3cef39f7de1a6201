// @ts-check
// One person's mood and trust over weeks or months: a few lines of inline SVG, and beside it a table of the
// same averages for screen readers and for anyone who prefers numbers.
import { draw, make } from '../shell/dom.js';

/** @typedef {import('./days.js').Period} Period */
/** @typedef {import('./days.js').Span} Span */

const WIDTH = 320;
const HEIGHT = 150;
const LEFT = 24;
const RIGHT = 24;
const TOP = 10;
const BOTTOM = 24;

const weekFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
const shortMonthFormat = new Intl.DateTimeFormat(undefined, { month: 'short', timeZone: 'UTC' });
const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** A period's name for people: "Week of Mar 4" or "March 2025". */
export function periodWords(/** @type {Span} */ span, /** @type {string} */ start) {
  const date = new Date(`${start}T12:00:00Z`);
  return span === 'weeks' ? `Week of ${weekFormat.format(date)}` : monthFormat.format(date);
}

/** A short name for the chart's axis: "Mar 4" or "Mar". */
const axisWords = (/** @type {Span} */ span, /** @type {string} */ start) =>
  (span === 'weeks' ? weekFormat : shortMonthFormat).format(new Date(`${start}T12:00:00Z`));

/** An average for people: "7.5", "8". */
export const averageWords = (/** @type {number} */ value) => numberFormat.format(value);

/**
 * The chart and table of one person; render() draws them anew.
 * @param {string} key unique among the charts on the page (ids are made of it)
 * @returns {{element: HTMLElement, render: (name: string, periods: Period[], span: Span) => void}}
 */
export function personChart(key) {
  const element = make('section', 'history-person');
  const heading = make('h5', 'history-person-name');
  heading.id = `history-chart-${key}-title`;
  element.setAttribute('aria-labelledby', heading.id);
  const empty = make('p', 'hint');
  const summary = make('p', 'hint history-summary');
  summary.id = `history-chart-${key}-summary`;
  const figure = make('div', 'history-figure');
  const svg = draw('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-labelledby': summary.id, class: 'history-chart' });
  const legend = make('p', 'history-legend');
  legend.setAttribute('aria-hidden', 'true');
  for (const [mark, words] of [['trust', 'Trust (1–10, left)'], ['mood', 'Mood (1–5, right)']]) {
    const item = make('span');
    item.append(make('span', `key ${mark}`), words);
    legend.append(item);
  }
  const table = make('table', 'history-table');
  figure.append(svg, table);
  element.append(heading, empty, legend, figure, summary);

  return {
    element,
    render(name, periods, span) {
      heading.textContent = name;
      const any = periods.some((p) => p.count > 0);
      empty.textContent = `No check-ins ${name === 'You' ? 'of yours' : `${name} shared`} in these ${span} yet.`;
      empty.hidden = any;
      for (const part of [legend, figure, summary]) part.hidden = !any;
      if (!any) return;

      const x = (/** @type {number} */ i) => (periods.length > 1 ? LEFT + (i * (WIDTH - LEFT - RIGHT)) / (periods.length - 1) : WIDTH / 2);
      const yTrust = (/** @type {number} */ v) => TOP + ((10 - v) * (HEIGHT - TOP - BOTTOM)) / 9;
      const yMood = (/** @type {number} */ v) => TOP + ((5 - v) * (HEIGHT - TOP - BOTTOM)) / 4;
      const parts = [];
      for (const level of [0, 0.5, 1]) {
        const y = TOP + level * (HEIGHT - TOP - BOTTOM);
        parts.push(draw('line', { x1: LEFT, x2: WIDTH - RIGHT, y1: y, y2: y, class: 'grid' }));
      }
      parts.push(draw('text', { x: LEFT - 5, y: yTrust(10) + 4, 'text-anchor': 'end', class: 'axis' }, '10'));
      parts.push(draw('text', { x: LEFT - 5, y: yTrust(1) + 4, 'text-anchor': 'end', class: 'axis' }, '1'));
      parts.push(draw('text', { x: WIDTH - RIGHT + 5, y: yMood(5) + 4, class: 'axis' }, '5'));
      parts.push(draw('text', { x: WIDTH - RIGHT + 5, y: yMood(1) + 4, class: 'axis' }, '1'));
      parts.push(draw('text', { x: LEFT, y: HEIGHT - 6, class: 'axis' }, axisWords(span, periods[0].start)));
      if (periods.length > 1) {
        parts.push(draw('text', { x: WIDTH - RIGHT, y: HEIGHT - 6, 'text-anchor': 'end', class: 'axis' }, axisWords(span, periods[periods.length - 1].start)));
      }
      for (const [mark, y] of /** @type {const} */ ([['trust', yTrust], ['mood', yMood]])) {
        // A period without check-ins breaks the line rather than drawing over it.
        /** @type {string[][]} */
        const runs = [[]];
        periods.forEach((p, i) => {
          const value = p[mark];
          if (value === null) runs.push([]);
          else runs[runs.length - 1].push(`${x(i).toFixed(1)},${y(value).toFixed(1)}`);
        });
        for (const run of runs) if (run.length > 1) parts.push(draw('polyline', { points: run.join(' '), class: `line ${mark}` }));
        periods.forEach((p, i) => {
          const value = p[mark];
          if (value !== null) parts.push(draw('circle', { cx: x(i).toFixed(1), cy: y(value).toFixed(1), r: mark === 'trust' ? 3.5 : 3, class: `dot ${mark}` }));
        });
      }
      svg.replaceChildren(...parts);

      const shown = periods.filter((p) => p.count > 0);
      const first = shown[0];
      const last = shown[shown.length - 1];
      const point = (/** @type {Period} */ p) =>
        `mood ${averageWords(/** @type {number} */ (p.mood))} and trust ${averageWords(/** @type {number} */ (p.trust))} in the ${span === 'weeks' ? 'week' : 'month'} of ${axisWords(span, p.start)}`;
      summary.textContent = `${name}, on average: ${point(first)}${last !== first ? `; ${point(last)}` : ''}. The table gives every ${span === 'weeks' ? 'week' : 'month'}.`;

      const caption = make('caption', '', `${name}: average by ${span === 'weeks' ? 'week' : 'month'}`);
      const head = make('tr');
      for (const text of [span === 'weeks' ? 'Week' : 'Month', 'Mood', 'Trust']) {
        const th = make('th', '', text);
        th.setAttribute('scope', 'col');
        head.append(th);
      }
      // The table starts with the person's first check-in; the chart keeps the weeks both charts share.
      const rows = periods.slice(periods.findIndex((p) => p.count > 0)).map((p) => {
        const row = make('tr');
        const th = make('th', '', periodWords(span, p.start));
        th.setAttribute('scope', 'row');
        row.append(th);
        for (const value of [p.mood, p.trust]) {
          const cell = make('td', '', value === null ? '–' : averageWords(value));
          if (value === null) cell.setAttribute('aria-label', 'no check-in');
          row.append(cell);
        }
        return row;
      });
      const thead = make('thead');
      thead.append(head);
      const tbody = make('tbody');
      tbody.append(...rows);
      table.replaceChildren(caption, thead, tbody);
    },
  };
}
