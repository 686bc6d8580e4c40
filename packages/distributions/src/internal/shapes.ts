/** Normalise a `sampleShape` argument (`undefined`, a number, or a shape) to a shape array. */
export function toShape(sampleShape: number | number[] | undefined): number[] {
  if (sampleShape === undefined) return [];
  const shape = typeof sampleShape === 'number' ? [sampleShape] : [...sampleShape];
  for (const n of shape) {
    if (!Number.isInteger(n) || n < 0) {
      throw new Error(`sampleShape must hold non-negative integers, got [${shape.join(', ')}]`);
    }
  }
  return shape;
}

/** NumPy-style broadcast of two shapes; throws naming `what` when they are incompatible. */
export function broadcastShapes(a: number[], b: number[], what: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new Error(`${what}: shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    }
    out.push(x === 1 ? y : x);
  }
  return out;
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
