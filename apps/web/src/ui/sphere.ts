/**
 * Points on the unit sphere S^2 drawn on a canvas (orthographic projection), rotatable by
 * dragging or, when the canvas has focus, with the arrow keys.
 */
export class SphereView {
  readonly canvas: HTMLCanvasElement;
  private points: Float32Array = new Float32Array(0);
  private mu: [number, number, number] = [0, 0, 1];
  private yaw = -0.6;
  private pitch = 0.35;
  private readonly color: string;

  constructor(label: string, color: string) {
    this.color = color;
    const c = document.createElement('canvas');
    c.className = 'sphere';
    c.width = 360;
    c.height = 360;
    c.tabIndex = 0;
    c.setAttribute('role', 'img');
    c.setAttribute('aria-label', `${label}. Drag or use the arrow keys to rotate.`);
    this.canvas = c;
    let drag: { x: number; y: number } | undefined;
    c.addEventListener('pointerdown', (e) => {
      drag = { x: e.clientX, y: e.clientY };
      c.setPointerCapture(e.pointerId);
    });
    c.addEventListener('pointermove', (e) => {
      if (!drag) return;
      this.rotate((e.clientX - drag.x) * 0.01, (e.clientY - drag.y) * 0.01);
      drag = { x: e.clientX, y: e.clientY };
    });
    c.addEventListener('pointerup', () => {
      drag = undefined;
    });
    c.addEventListener('keydown', (e) => {
      const step = 0.12;
      const moves: Record<string, [number, number]> = {
        ArrowLeft: [-step, 0],
        ArrowRight: [step, 0],
        ArrowUp: [0, -step],
        ArrowDown: [0, step],
      };
      const m = moves[e.key];
      if (m) {
        e.preventDefault();
        this.rotate(m[0], m[1]);
      }
    });
  }

  /** Rotate the view (radians), and let other views follow. */
  onRotate: ((yaw: number, pitch: number) => void) | undefined;

  rotate(dYaw: number, dPitch: number): void {
    this.setView(this.yaw + dYaw, Math.max(-1.5, Math.min(1.5, this.pitch + dPitch)));
    this.onRotate?.(this.yaw, this.pitch);
  }

  setView(yaw: number, pitch: number): void {
    this.yaw = yaw;
    this.pitch = pitch;
    this.draw();
  }

  setPoints(points: Float32Array, mu: [number, number, number]): void {
    this.points = points;
    const n = Math.hypot(...mu) || 1;
    this.mu = [mu[0] / n, mu[1] / n, mu[2] / n];
    this.draw();
  }

  /** View coordinates of a point: x right, y up, z towards the viewer. */
  private project(x: number, y: number, z: number): [number, number, number] {
    const cy = Math.cos(this.yaw);
    const sy = Math.sin(this.yaw);
    const cp = Math.cos(this.pitch);
    const sp = Math.sin(this.pitch);
    // Yaw about the vertical (z) axis, then pitch about the screen's x axis; world z is up.
    const x1 = cy * x - sy * y;
    const y1 = sy * x + cy * y;
    const up = cp * z - sp * y1;
    // Towards the viewer, who looks from +y (tilted up by the pitch, so the north pole faces them).
    const depth = sp * z + cp * y1;
    return [x1, up, depth];
  }

  draw(): void {
    const c = this.canvas;
    const ctx = c.getContext('2d', { willReadFrequently: true })!;
    const w = c.width;
    const r = w * 0.42;
    const cx = w / 2;
    const cy = c.height / 2;
    // The text colour, read at each draw (the page redraws when the colour scheme changes).
    const fg = getComputedStyle(c).color || '#222';
    c.dataset['fg'] = fg;
    ctx.clearRect(0, 0, w, c.height);
    ctx.lineWidth = 1.2;
    ctx.strokeStyle = fg;
    ctx.globalAlpha = 0.7;
    ctx.beginPath();
    ctx.arc(cx, cy, r, 0, 2 * Math.PI);
    ctx.stroke();
    // Equator and two meridians: dashed behind, solid in front.
    const circle = (f: (t: number) => [number, number, number]) => {
      for (const front of [false, true]) {
        ctx.setLineDash(front ? [] : [3, 4]);
        ctx.globalAlpha = front ? 0.5 : 0.3;
        ctx.beginPath();
        let pen = false;
        for (let i = 0; i <= 96; i++) {
          const [x, y, z] = this.project(...f((i / 96) * 2 * Math.PI));
          if (z >= 0 === front) {
            if (pen) ctx.lineTo(cx + r * x, cy - r * y);
            else ctx.moveTo(cx + r * x, cy - r * y);
            pen = true;
          } else pen = false;
        }
        ctx.stroke();
      }
      ctx.setLineDash([]);
    };
    circle((t) => [Math.cos(t), Math.sin(t), 0]);
    circle((t) => [Math.cos(t), 0, Math.sin(t)]);
    circle((t) => [0, Math.cos(t), Math.sin(t)]);
    // Points, back to front.
    const n = this.points.length / 3;
    const order = Array.from({ length: n }, (_, i) => i);
    const proj = order.map((i) =>
      this.project(this.points[3 * i]!, this.points[3 * i + 1]!, this.points[3 * i + 2]!),
    );
    order.sort((a, b) => proj[a]![2] - proj[b]![2]);
    ctx.fillStyle = this.color;
    for (const i of order) {
      const [x, y, z] = proj[i]!;
      ctx.globalAlpha = z >= 0 ? 0.85 : 0.22;
      ctx.beginPath();
      ctx.arc(cx + r * x, cy - r * y, z >= 0 ? 2.2 : 1.6, 0, 2 * Math.PI);
      ctx.fill();
    }
    // The mean direction.
    const [mx, my, mz] = this.project(...this.mu);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = fg;
    ctx.lineWidth = 2;
    ctx.setLineDash(mz >= 0 ? [] : [4, 3]);
    ctx.beginPath();
    ctx.moveTo(cx, cy);
    ctx.lineTo(cx + r * 1.12 * mx, cy - r * 1.12 * my);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = fg;
    ctx.font = '13px system-ui, sans-serif';
    ctx.fillText('μ', cx + r * 1.16 * mx + 2, cy - r * 1.16 * my);
    ctx.globalAlpha = 1;
  }
}
