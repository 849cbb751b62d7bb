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
