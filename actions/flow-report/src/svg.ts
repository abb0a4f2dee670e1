// Small SVG charts drawn here, so the HTML report needs no script and no CDN: it works opened
// from a file, on GitHub Pages, and under a strict Content-Security-Policy.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const W = 640;
const H = 260;
const PAD = { left: 48, right: 28, top: 28, bottom: 40 };
const PALETTE = ["#8c8c8c", "#4c9f70", "#e0a526", "#d9622b", "#6f5fbf", "#2f6fba", "#b33d6b"];

interface Series {
  name: string;
  values: number[];
}

function frame(title: string, body: string, legend: string[], colors: string[]): string {
  let offset = PAD.left;
  const items = legend
    .map((name, i) => {
      const item = `<g transform="translate(${offset},${H - 12})"><rect width="10" height="10" fill="${colors[i % colors.length]}"/><text x="14" y="9">${escapeHtml(name)}</text></g>`;
      // About 5.5 px a character at the legend's 10 px font.
      offset += 24 + name.length * 5.5;
      return item;
    })
    .join("");
  return `<svg class="chart" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title><text class="heading" x="${PAD.left}" y="14">${escapeHtml(title)}</text>${body}${items}</svg>`;
}

function yAxis(max: number, unit = ""): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = PAD.top + (1 - f) * (H - PAD.top - PAD.bottom);
    const value = Math.round(max * f * 10) / 10;
    return `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" class="grid"/><text x="${PAD.left - 4}" y="${y + 4}" text-anchor="end">${value}${unit}</text>`;
  });
  return ticks.join("");
}

function xLabels(labels: string[]): string {
  const step = Math.max(1, Math.ceil(labels.length / 8));
  return labels
    .map((label, i) =>
      i % step === 0
        ? `<text x="${x(i, labels.length)}" y="${H - PAD.bottom + 14}" text-anchor="middle">${escapeHtml(label)}</text>`
        : "",
    )
    .join("");
}

function x(i: number, n: number): number {
  return PAD.left + (n <= 1 ? 0.5 : i / (n - 1)) * (W - PAD.left - PAD.right);
}

function y(value: number, max: number): number {
  return PAD.top + (1 - (max === 0 ? 0 : value / max)) * (H - PAD.top - PAD.bottom);
}

/** Stacked areas, bottom series first: a cumulative flow diagram. */
export function stackedArea(title: string, labels: string[], series: Series[]): string {
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const below = labels.map(() => 0);
  const paths = series.map((s, k) => {
    const lower = labels.map((_, i) => [x(i, labels.length), y(below[i] ?? 0, max)] as const);
    labels.forEach((_, i) => {
      below[i] = (below[i] ?? 0) + (s.values[i] ?? 0);
    });
    const upper = labels.map((_, i) => [x(i, labels.length), y(below[i] ?? 0, max)] as const);
    const d = [...upper, ...lower.reverse()]
      .map(([px, py], i) => `${i === 0 ? "M" : "L"}${px.toFixed(1)},${py.toFixed(1)}`)
      .join("");
    return `<path class="area" data-series="${escapeHtml(s.name)}" d="${d}Z" fill="${PALETTE[k % PALETTE.length]}"/>`;
  });
  return frame(
    title,
    yAxis(max) + paths.join("") + xLabels(labels),
    series.map((s) => s.name),
    PALETTE,
  );
}

/** Lines over shared labels; `goal` draws a dashed horizontal line. */
export function lines(title: string, labels: string[], series: Series[], unit = "", goal?: number): string {
  const max = Math.max(1, goal ?? 0, ...series.flatMap((s) => s.values.filter(Number.isFinite)));
  const drawn = series.map((s, k) => {
    const points = s.values
      .map((v, i) =>
        Number.isFinite(v) ? `${x(i, labels.length).toFixed(1)},${y(v, max).toFixed(1)}` : null,
      )
      .filter((p): p is string => p !== null);
    const dots = points
      .map(
        (p) =>
          `<circle cx="${p.split(",")[0]}" cy="${p.split(",")[1]}" r="2.5" fill="${PALETTE[(k + 1) % PALETTE.length]}"/>`,
      )
      .join("");
    return `<polyline class="line" data-series="${escapeHtml(s.name)}" fill="none" stroke-width="2" stroke="${PALETTE[(k + 1) % PALETTE.length]}" points="${points.join(" ")}"/>${dots}`;
  });
  const goalLine =
    goal === undefined
      ? ""
      : `<line class="goal" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(goal, max)}" y2="${y(goal, max)}" stroke="#b33d6b" stroke-dasharray="6 4"/>`;
  return frame(
    title,
    yAxis(max, unit) + goalLine + drawn.join("") + xLabels(labels),
    series.map((s) => s.name),
    PALETTE.slice(1),
  );
}

/** Vertical bars, one per label. */
export function bars(title: string, labels: string[], values: number[], unit = "", goal?: number): string {
  const max = Math.max(1, goal ?? 0, ...values);
  const slot = (W - PAD.left - PAD.right) / Math.max(1, labels.length);
  const rects = values
    .map((v, i) => {
      const top = y(v, max);
      return `<rect class="bar" data-label="${escapeHtml(labels[i] ?? "")}" data-value="${v}" x="${(PAD.left + i * slot + slot * 0.15).toFixed(1)}" y="${top.toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${(H - PAD.bottom - top).toFixed(1)}" fill="${PALETTE[5]}"/>`;
    })
    .join("");
  const names = labels
    .map(
      (label, i) =>
        `<text x="${(PAD.left + (i + 0.5) * slot).toFixed(1)}" y="${H - PAD.bottom + 14}" text-anchor="middle">${escapeHtml(label)}</text>`,
    )
    .join("");
  const goalLine =
    goal === undefined
      ? ""
      : `<line class="goal" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(goal, max)}" y2="${y(goal, max)}" stroke="#b33d6b" stroke-dasharray="6 4"/>`;
  return frame(title, yAxis(max, unit) + rects + goalLine + names, [], []);
}

/** Points on a logarithmic x axis (changed lines) against a linear y axis (hours). */
export function scatter(
  title: string,
  points: { x: number; y: number }[],
  xName: string,
  yName: string,
): string {
  const maxX = Math.max(10, ...points.map((p) => p.x));
  const maxY = Math.max(1, ...points.map((p) => p.y));
  const lx = (v: number) =>
    PAD.left + (Math.log10(Math.max(1, v)) / Math.log10(maxX)) * (W - PAD.left - PAD.right);
  const dots = points
    .map(
      (p) =>
        `<circle class="point" cx="${lx(p.x).toFixed(1)}" cy="${y(p.y, maxY).toFixed(1)}" r="3" fill="${PALETTE[4]}" fill-opacity="0.6"/>`,
    )
    .join("");
  const decades = [];
  for (let d = 1; d <= maxX; d *= 10)
    decades.push(`<text x="${lx(d).toFixed(1)}" y="${H - PAD.bottom + 14}" text-anchor="middle">${d}</text>`);
  const axisNames = `<text x="${W - PAD.right}" y="${H - PAD.bottom + 28}" text-anchor="end">${escapeHtml(xName)}</text><text x="${PAD.left + 4}" y="${PAD.top + 10}">${escapeHtml(yName)}</text>`;
  return frame(title, yAxis(maxY) + dots + decades.join("") + axisNames, [], []);
}
