import { describe, expect, it } from 'vitest';
import { BNGaussianHead } from './bn-gaussian-head';
import { BNSuGaussianHead } from './bn-su-gaussian-head';
import { GaussianHead } from './gaussian-head';
import { type PosteriorHeadConfig, posteriorHead } from './posterior-head';
import { VMFHead } from './vmf-head';

describe('posteriorHead', () => {
  it('builds the head of each family from its JSON config', () => {
    expect(posteriorHead({ family: 'gaussian', latentDim: 2 })).toBeInstanceOf(GaussianHead);
    const bn = posteriorHead({ family: 'bn', latentDim: 2, gamma: 0.5 });
    expect(bn).toBeInstanceOf(BNGaussianHead);
    expect((bn as BNGaussianHead).batchNorm.gamma).toBe(0.5);
    expect(bn.config).toEqual({ family: 'bn', latentDim: 2, gamma: 0.5 });
    const su = posteriorHead(
      JSON.parse(JSON.stringify({ family: 'bn-su', latentDim: 2, tau: 0.3 })),
    );
    expect(su).toBeInstanceOf(BNSuGaussianHead);
    expect((su as BNSuGaussianHead).scaler.tau).toBe(0.3);
    expect(su.config).toEqual({ family: 'bn-su', latentDim: 2, tau: 0.3 });
    const vmf = posteriorHead({ family: 'vmf', latentDim: 3, kappa: 10 });
    expect(vmf).toBeInstanceOf(VMFHead);
    expect((vmf as VMFHead).kappa).toBe(10);
    expect(
      (posteriorHead({ family: 'vmf', latentDim: 3, learnKappa: true }) as VMFHead).kappa,
    ).toBeNull();
  });

  it('passes the naming and seeding options to the head', () => {
    const a = posteriorHead({ family: 'gaussian', latentDim: 2 }, { name: 'q', seed: 4 });
    expect(a.layers.map((l) => l.name)).toEqual(['q_mean', 'q_logvar']);
  });

  it('names the valid families for an unknown one', () => {
    expect(() =>
      posteriorHead({ family: 'laplace', latentDim: 2 } as unknown as PosteriorHeadConfig),
    ).toThrow(/family must be one of 'gaussian', 'bn', 'bn-su', 'vmf'(, '[^']+')*, got 'laplace'$/);
    expect(() => posteriorHead(null as unknown as PosteriorHeadConfig)).toThrow(
      /family must be one of 'gaussian', 'bn', 'bn-su', 'vmf'.*, got null/,
    );
  });

  it("gives the new name of a renamed family ('bn-gaussian' is 'bn', 'bn-su-gaussian' is 'bn-su')", () => {
    expect(() =>
      posteriorHead({
        family: 'bn-gaussian',
        latentDim: 2,
        gamma: 0.5,
      } as unknown as PosteriorHeadConfig),
    ).toThrow(/got 'bn-gaussian' \(renamed 'bn'; saved models are migrated on load\)/);
    expect(() =>
      posteriorHead({ family: 'bn-su-gaussian', latentDim: 2 } as unknown as PosteriorHeadConfig),
    ).toThrow(/got 'bn-su-gaussian' \(renamed 'bn-su'/);
  });
});
