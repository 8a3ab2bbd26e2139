import { WORKLOADS } from "./plan.js";
import { type Cell, type CellKey, floor, ratio, score } from "./report.js";
import type { RuntimeDef } from "./runtimes.js";

const ROW = 14;
const GROUP_GAP = 10;
const LABEL_W = 300;
const PLOT_W = 420;
const MAX_SCORE = 1.5;
const COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1"];

const escapeXml = (s: string): string =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/**
 * A horizontal bar chart, one group per workload and one bar per runtime:
 * ours against native on the "more is better" scale of `score`, the
 * web-streams floor as a black tick on the bar, the target as a dashed line.
 * Plain SVG with no script or external reference, so GitHub renders it.
 */
export function chartSvg(
  cells: Map<string, Cell>,
  runtimes: readonly RuntimeDef[],
  key: CellKey,
  title: string,
): string {
  const active = runtimes.filter((r) => r.missing === undefined);
  const x = (s: number) => LABEL_W + (Math.min(Math.max(s, 0), MAX_SCORE) / MAX_SCORE) * PLOT_W;
  const parts: string[] = [];
  let y = 40;
  for (const info of WORKLOADS) {
    const bars = active.flatMap((runtime, i) => {
      const ours = cells.get(key(runtime.id, info.id, "ours"));
      const native = cells.get(key(runtime.id, info.id, "native"));
      if (!ours || !native || ours.values.length === 0 || native.values.length === 0) return [];
      const r = ratio(ours, native);
      if (!Number.isFinite(r) || r <= 0) return [];
      return [
        { runtime, color: COLORS[i % COLORS.length]!, r, f: floor(cells, key, runtime, info.id) },
      ];
    });
    if (bars.length === 0) continue;
    const top = y;
    parts.push(`<text x="4" y="${y + 10}" font-weight="bold">${escapeXml(info.label)}</text>`);
    y += ROW;
    for (const bar of bars) {
      const s = score(info, bar.r);
      parts.push(
        `<text x="16" y="${y + 10}">${escapeXml(bar.runtime.label)}</text>`,
        `<rect x="${LABEL_W}" y="${y + 2}" width="${(x(s) - LABEL_W).toFixed(1)}" height="${ROW - 4}" fill="${bar.color}"><title>${escapeXml(`${bar.runtime.label}: ${bar.r.toFixed(2)}× native${bar.f !== null ? `, floor ${bar.f.toFixed(2)}` : ""}`)}</title></rect>`,
        `<text x="${(x(s) + 4).toFixed(1)}" y="${y + 10}">${bar.r.toFixed(2)}×</text>`,
      );
      if (bar.f !== null) {
        const fx = x(score(info, bar.f)).toFixed(1);
        parts.push(
          `<line x1="${fx}" x2="${fx}" y1="${y}" y2="${y + ROW}" stroke="#000" stroke-width="2"/>`,
        );
      }
      y += ROW;
    }
    const tx = x(score(info, info.target)).toFixed(1);
    parts.push(
      `<line x1="${tx}" x2="${tx}" y1="${top + ROW}" y2="${y}" stroke="#c00" stroke-dasharray="3,2"/>`,
    );
    y += GROUP_GAP;
  }
  const height = y + 30;
  const width = LABEL_W + PLOT_W + 60;
  const axis = [0, 0.5, 1, 1.5].map((s) => {
    const ax = x(s).toFixed(1);
    return `<line x1="${ax}" x2="${ax}" y1="30" y2="${y}" stroke="#ddd"/><text x="${ax}" y="${y + 14}" text-anchor="middle">${s.toFixed(1)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="#fff"/>
<text x="4" y="16" font-size="13" font-weight="bold">${escapeXml(title)}</text>
<text x="4" y="30" fill="#555">@sockets/connect ÷ native (times and memory inverted: right is better, 1.0 = native). Black tick: web-streams floor. Red dashes: target.</text>
${axis.join("\n")}
${parts.join("\n")}
</svg>
`;
}
