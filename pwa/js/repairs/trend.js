// @ts-check
// Both partners' shared trust levels since the repair began, as a small line drawing (inline SVG) with a
// table beside it that says the same in words, for screen readers and for anyone who prefers numbers.
import { draw } from '../shell/dom.js';
import { momentWords } from './words.js';

/** @typedef {import('./state.js').Detail} Detail */
/** @typedef {import('./state.js').TrustPoint} TrustPoint */

const WIDTH = 320;
const HEIGHT = 150;
const LEFT = 28;
const RIGHT = 10;
const TOP = 10;
const BOTTOM = 24;

/** A day (YYYY-MM-DD) in the reader's words: "Mar 4". */
const dayWords = (/** @type {string} */ day) => momentWords(`${day}T12:00:00`);

/**
 * One person's levels from first to last, in words: "You: 7, then 8 on Mar 9".
 * @param {string} name
 * @param {TrustPoint[]} points
 */
function seriesWords(name, points) {
  if (!points.length) return `${name}: no shared check-in yet`;
  const first = points[0];
  const last = points[points.length - 1];
  if (points.length === 1) return `${name}: ${first.trust} on ${dayWords(first.day)}`;
  return `${name}: ${first.trust} on ${dayWords(first.day)}, ${last.trust} on ${dayWords(last.day)}`;
}

/**
 * The trend's drawing and table; render() follows the repair's check-ins.
 * @returns {{element: HTMLElement, render: (detail: Detail) => void}}
 */
export function trustTrend() {
  const element = document.createElement('section');
  element.className = 'repair-trend';
  element.setAttribute('aria-label', 'Trust since the repair began');
  const heading = Object.assign(document.createElement('h5'), { textContent: 'Trust since you started' });
  const empty = Object.assign(document.createElement('p'), {
    className: 'hint',
    textContent: 'Your shared check-ins on Today will draw trust here, as each of you sees it, since the repair began.',
  });
  const summary = Object.assign(document.createElement('p'), { className: 'hint', id: 'repair-trend-summary' });
  const svg = draw('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-labelledby': 'repair-trend-summary', class: 'repair-trend-chart' });
  const legend = document.createElement('p');
  legend.className = 'repair-trend-legend';
  legend.setAttribute('aria-hidden', 'true');
  const table = document.createElement('table');
  table.className = 'repair-trend-table';
  element.append(heading, empty, svg, legend, summary, table);

  return {
    element,
    render(detail) {
      const { people, trust, days } = detail;
      const partnerId = Object.keys(people.names).find((id) => id && id !== people.me) ?? '';
      const series = [
        { id: people.me, name: 'You', mark: 'mine' },
        { id: partnerId, name: people.partnerName, mark: 'theirs' },
      ].map((person) => ({ ...person, points: trust.filter((p) => p.who === person.id) }));
      const any = trust.length > 0;
      empty.hidden = any;
      svg.hidden = !any;
      legend.hidden = !any;
      summary.hidden = !any;
      table.hidden = !any;
      if (!any) return;

      const x = (/** @type {string} */ day) => {
        const index = Math.max(0, days.indexOf(day));
        return days.length > 1 ? LEFT + (index * (WIDTH - LEFT - RIGHT)) / (days.length - 1) : (LEFT + WIDTH - RIGHT) / 2;
      };
      const y = (/** @type {number} */ level) => TOP + ((10 - level) * (HEIGHT - TOP - BOTTOM)) / 9;
      const parts = [];
      for (const level of [1, 5, 10]) {
        parts.push(draw('line', { x1: LEFT, x2: WIDTH - RIGHT, y1: y(level), y2: y(level), class: 'grid' }));
        parts.push(draw('text', { x: LEFT - 6, y: y(level) + 4, 'text-anchor': 'end', class: 'axis' }, String(level)));
      }
      const first = days[0] ?? trust[0].day;
      const last = days[days.length - 1] ?? first;
      parts.push(draw('text', { x: LEFT, y: HEIGHT - 6, class: 'axis' }, dayWords(first)));
      if (last !== first) parts.push(draw('text', { x: WIDTH - RIGHT, y: HEIGHT - 6, 'text-anchor': 'end', class: 'axis' }, dayWords(last)));
      for (const person of series) {
        if (!person.points.length) continue;
        const line = person.points.map((p) => `${x(p.day).toFixed(1)},${y(p.trust).toFixed(1)}`).join(' ');
        parts.push(draw('polyline', { points: line, class: `line ${person.mark}` }));
        for (const p of person.points) parts.push(draw('circle', { cx: x(p.day).toFixed(1), cy: y(p.trust).toFixed(1), r: person.mark === 'mine' ? 5.5 : 3, class: `dot ${person.mark}` }));
      }
      svg.replaceChildren(...parts);

      legend.replaceChildren(...series.map((person) => {
        const key = Object.assign(document.createElement('span'), { className: `key ${person.mark}` });
        const item = document.createElement('span');
        item.append(key, person.name);
        return item;
      }));
      summary.textContent = `Trust from 1 (shaky) to 10 (solid). ${series.map((s) => seriesWords(s.name, s.points)).join('. ')}.`;

      const caption = Object.assign(document.createElement('caption'), { textContent: 'Shared trust levels, day by day' });
      const head = document.createElement('tr');
      for (const text of ['Day', ...series.map((s) => s.name)]) head.append(Object.assign(document.createElement('th'), { scope: 'col', textContent: text }));
      const rows = [...new Set(trust.map((p) => p.day))].map((day) => {
        const row = document.createElement('tr');
        row.append(Object.assign(document.createElement('th'), { scope: 'row', textContent: dayWords(day) }));
        for (const person of series) {
          const point = person.points.find((p) => p.day === day);
          row.append(Object.assign(document.createElement('td'), { textContent: point ? String(point.trust) : '–' }));
        }
        return row;
      });
      const thead = document.createElement('thead');
      thead.append(head);
      const tbody = document.createElement('tbody');
      tbody.append(...rows);
      table.replaceChildren(caption, thead, tbody);
    },
  };
}
