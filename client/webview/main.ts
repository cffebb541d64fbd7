/// <reference lib="dom" />
/**
 * The result webview's script (bundled for the browser into dist/webview/main.js). Renders the view model
 * embedded in the page: tables, key/value blocks, the event trace with file:line links, and chart.js charts
 * coloured from VS Code's theme variables, redrawn when the theme changes.
 */
import { Chart, registerables } from 'chart.js';
import type { ChartSpec, Section, ViewModel } from './view-model';

Chart.register(...registerables);

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };
const vscodeApi = acquireVsCodeApi();

const charts: Chart[] = [];

// Any Content Security Policy violation is recorded on the page and reported to the extension (tests check it).
const violations: string[] = [];
document.addEventListener('securitypolicyviolation', (e) => {
  violations.push(`${e.violatedDirective} ${e.blockedURI}`);
  document.body.dataset.cspViolations = JSON.stringify(violations);
  vscodeApi.postMessage({ type: 'error', error: `CSP violation: ${e.violatedDirective} ${e.blockedURI}` });
});

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function palette(): string[] {
  return [
    cssVar('--vscode-charts-blue', '#3794ff'), cssVar('--vscode-charts-orange', '#d18616'), cssVar('--vscode-charts-green', '#89d185'),
    cssVar('--vscode-charts-red', '#f14c4c'), cssVar('--vscode-charts-purple', '#b180d7'), cssVar('--vscode-charts-yellow', '#cca700'),
  ];
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function drawChart(canvas: HTMLCanvasElement, spec: ChartSpec): Chart {
  const colours = palette();
  const fg = cssVar('--vscode-foreground', '#cccccc');
  const grid = cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', 'rgba(128,128,128,0.35)'));
  const highContrast = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  const doughnut = spec.type === 'doughnut';
  return new Chart(canvas, {
    type: spec.type,
    data: {
      labels: spec.labels,
      datasets: spec.datasets.map((d, i) => ({
        label: d.label,
        data: d.data,
        stepped: d.stepped ? true : undefined,
        borderColor: doughnut ? cssVar('--vscode-editor-background', '#1e1e1e') : colours[i % colours.length],
        backgroundColor: doughnut ? spec.labels.map((_, j) => colours[j % colours.length]) : colours[i % colours.length],
        borderWidth: highContrast ? 3 : doughnut ? 1 : 2,
        pointRadius: spec.type === 'line' ? 0 : undefined,
      })) as never,
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      color: fg,
      plugins: { legend: { labels: { color: fg } } },
      scales: doughnut ? {} : {
        x: { ticks: { color: fg }, grid: { color: grid }, title: { display: !!spec.xTitle, text: spec.xTitle ?? '', color: fg }, stacked: spec.stacked },
        y: { ticks: { color: fg }, grid: { color: grid }, title: { display: !!spec.yTitle, text: spec.yTitle ?? '', color: fg }, stacked: spec.stacked, beginAtZero: true },
      },
    },
  });
}

function renderSection(s: Section, specs: [HTMLCanvasElement, ChartSpec][]): HTMLElement {
  const box = el('section', undefined, `section section-${s.type}`);
  box.appendChild(el('h2', s.title));
  switch (s.type) {
    case 'kv': {
      const dl = el('dl');
      for (const [k, v] of s.rows) { dl.appendChild(el('dt', k)); dl.appendChild(el('dd', v)); }
      box.appendChild(dl);
      break;
    }
    case 'table': {
      const table = el('table');
      const head = el('tr');
      for (const c of s.columns) head.appendChild(el('th', c));
      table.appendChild(head);
      for (const r of s.rows) {
        const tr = el('tr');
        for (const c of r) tr.appendChild(el('td', c));
        table.appendChild(tr);
      }
      box.appendChild(table);
      break;
    }
    case 'chart': {
      const wrap = el('div', undefined, `chart chart-${s.chart.type}`);
      const canvas = el('canvas');
      canvas.id = `chart-${s.id}`;
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', s.title);
      wrap.appendChild(canvas);
      box.appendChild(wrap);
      specs.push([canvas, s.chart]);
      break;
    }
    case 'trace': {
      const ol = el('ol', undefined, 'trace');
      for (const item of s.items) {
        const li = el('li', undefined, item.error ? 'error' : undefined);
        li.appendChild(el('code', item.label));
        if (item.detail) li.appendChild(el('span', ` ${item.detail} `));
        if (item.file) {
          const a = el('a', `${item.file}${item.line ? `:${item.line}` : ''}`);
          a.href = '#';
          a.addEventListener('click', (ev) => { ev.preventDefault(); vscodeApi.postMessage({ type: 'open', file: item.file, line: item.line }); });
          li.appendChild(a);
        }
        ol.appendChild(li);
      }
      box.appendChild(ol);
      break;
    }
    case 'json': {
      const details = el('details');
      details.appendChild(el('summary', 'show'));
      details.appendChild(el('pre', JSON.stringify(s.value, null, 2)));
      box.appendChild(details);
      break;
    }
  }
  return box;
}

function render(model: ViewModel): void {
  for (const c of charts.splice(0)) c.destroy();
  const root = document.getElementById('root')!;
  root.replaceChildren(el('h1', model.title));
  const specs: [HTMLCanvasElement, ChartSpec][] = [];
  for (const s of model.sections) root.appendChild(renderSection(s, specs));
  for (const [canvas, spec] of specs) charts.push(drawChart(canvas, spec));
  document.body.dataset.rendered = String(charts.length);
  vscodeApi.postMessage({ type: 'rendered', charts: charts.length, sections: model.sections.length });
}

try {
  const model = JSON.parse(document.getElementById('kumo-data')!.textContent ?? '{}') as ViewModel;
  render(model);
  // Redraw with the new colours when the user switches between light, dark and high contrast themes.
  new MutationObserver(() => render(model)).observe(document.body, { attributes: true, attributeFilter: ['class'] });
} catch (e) {
  vscodeApi.postMessage({ type: 'error', error: String((e as Error)?.stack ?? e) });
}
