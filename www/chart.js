// Minimal canvas line chart: no dependencies, handles NaN gaps (indicator warm-up).
export function drawLines(canvas, series, { min, max } = {}) {
  const ctx = canvas.getContext('2d');
  const { width: w, height: h } = canvas;
  ctx.clearRect(0, 0, w, h);
  let lo = min ?? Infinity, hi = max ?? -Infinity, n = 0;
  for (const s of series) {
    n = Math.max(n, s.values.length);
    if (min === undefined || max === undefined) {
      for (const v of s.values) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
    }
  }
  if (!(hi > lo) || n < 2) return;
  const pad = 24, x = (i) => pad + (i / (n - 1)) * (w - 2 * pad), y = (v) => h - pad - ((v - lo) / (hi - lo)) * (h - 2 * pad);
  ctx.font = '11px system-ui'; ctx.fillStyle = '#667';
  ctx.fillText(hi.toPrecision(6), 2, pad - 6); ctx.fillText(lo.toPrecision(6), 2, h - 6);
  series.forEach((s, k) => {
    ctx.strokeStyle = s.color; ctx.lineWidth = 1.2; ctx.beginPath();
    let pen = false;
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) { pen = false; return; }
      pen ? ctx.lineTo(x(i), y(v)) : ctx.moveTo(x(i), y(v)); pen = true;
    });
    ctx.stroke();
    ctx.fillStyle = s.color; ctx.fillText(s.label ?? '', w - 160, 14 + 13 * k);
  });
}

// Heatmap of an optimization grid: {params: [row, col], rows, columns, values[r][c]} (NaN = no run).
export function drawHeatmap(canvas, { params, rows, columns, values }) {
  const ctx = canvas.getContext('2d');
  const { width: w, height: h } = canvas;
  ctx.clearRect(0, 0, w, h);
  const finite = values.flat().filter(Number.isFinite);
  if (!finite.length) return;
  const lo = Math.min(...finite), hi = Math.max(...finite);
  const left = 48, top = 8, bottom = 28;
  const cw = (w - left - 8) / columns.length, ch = (h - top - bottom) / rows.length;
  ctx.font = '10px system-ui';
  rows.forEach((r, i) => {
    ctx.fillStyle = '#445'; ctx.fillText(String(r), 4, top + ch * (i + 0.6));
    columns.forEach((c, j) => {
      const v = values[i]?.[j];
      if (!Number.isFinite(v)) return;
      const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
      ctx.fillStyle = `hsl(${Math.round(t * 130)}, 60%, ${70 - t * 30}%)`;
      ctx.fillRect(left + j * cw, top + i * ch, cw - 1, ch - 1);
    });
  });
  columns.forEach((c, j) => { if (j % Math.ceil(columns.length / 20) === 0) { ctx.fillStyle = '#445'; ctx.fillText(String(c), left + j * cw, h - 14); } });
  ctx.fillText(`${params[0]} ↓  ${params[1]} →   range ${lo.toPrecision(4)} … ${hi.toPrecision(4)}`, left, h - 2);
}
