import { describe, expect, it } from 'vitest';
import { powerSphericalKLToUniform } from './power-spherical-kl-to-uniform';

/** KL(PS(kappa) || Uniform(S^{d-1})) from mpmath at 40 digits (the formula in the TSDoc). */
const GOLDEN: [number, number, number][] = [
  [6, 20, 2.81909959377906],
  [3, 1000, 5.90975378031422],
  [100, 0.5, 0.00126896502452641],
  [2, 1e-3, 1.64013717879573e-6],
  [1000, 1e5, 1962.33865616479],
  [32, 50, 7.60500823715735],
];

describe('powerSphericalKLToUniform', () => {
  it.each(GOLDEN)('d = %d, kappa = %d matches mpmath to 1e-9 relative', (d, kappa, exact) => {
    expect(Math.abs(powerSphericalKLToUniform(d, kappa) - exact) / exact).toBeLessThan(1e-9);
  });

  it('is 0 at kappa = 0 and names bad arguments', () => {
    expect(powerSphericalKLToUniform(10, 0)).toBe(0);
    expect(() => powerSphericalKLToUniform(1, 3)).toThrow(/dim/);
    expect(() => powerSphericalKLToUniform(3, -1)).toThrow(/kappa/);
  });
});
