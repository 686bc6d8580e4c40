import * as tf from '@tensorflow/tfjs-core';
import { klDivergence } from '@vaekit/distributions';
import { ImageVAE, posteriorHeadFamilies } from '@vaekit/layers';
import { describe, expect, it } from 'vitest';
import { LATENT_FAMILIES } from './latent-families';

/**
 * KL(PS(kappa = 20) || Uniform(S^5)) = log|S^5| - H, from mpmath at 30 digits (De Cao & Aziz
 * 2020: alpha = (d-1)/2 + kappa, beta = (d-1)/2, H = log N - kappa (log 2 + psi(alpha) -
 * psi(alpha + beta)), log N = (alpha + beta) log 2 + beta log pi + lgamma(alpha) - lgamma(alpha + beta)).
 */
const POWER_SPHERICAL_KL = 2.81909959377906;

const settings = { latentDim: 6, gamma: 0.7, tau: 0.4, kappa: 20 as number | 'learned' };

describe('LATENT_FAMILIES', () => {
  it('registers the built-in families, each with a posterior head in @vaekit/layers', () => {
    expect(LATENT_FAMILIES.names().slice(0, 4)).toEqual(['gaussian', 'bn', 'bn-su', 'vmf']);
    for (const family of LATENT_FAMILIES.list()) {
      expect(posteriorHeadFamilies()).toContain(family.headConfig(settings).family);
      expect(family.label.length).toBeGreaterThan(0);
      expect(family.reference).toMatch(/\d{4}/);
    }
  });

  it('builds a model of each family whose KL to its prior is at least the stated floor', () => {
    for (const family of LATENT_FAMILIES.list()) {
      const vae = new ImageVAE({
        inputDim: 12,
        hiddenUnits: [8],
        head: family.headConfig(settings),
        seed: 3,
      });
      const x = tf.randomUniform([64, 12], 0, 1, 'float32', 5);
      const kl = tf.tidy(
        () => tf.mean(klDivergence(vae.encode(x, { training: true }), vae.prior)).dataSync()[0]!,
      );
      const floor = family.klFloor(settings);
      if (floor !== undefined) expect(kl).toBeGreaterThanOrEqual(floor * (1 - 1e-4));
      x.dispose();
      vae.dispose();
    }
  });

  it('states the floors of the papers: d/2 gamma^2, d/2 tau, and the vMF constant KL', () => {
    expect(LATENT_FAMILIES.get('bn').klFloor(settings)).toBeCloseTo(3 * 0.49, 12);
    expect(LATENT_FAMILIES.get('bn-su').klFloor(settings)).toBeCloseTo(3 * 0.4, 12);
    // mpmath: kappa A_d(kappa) + log C_d(kappa) + log|S^5| at d = 6, kappa = 20.
    expect(LATENT_FAMILIES.get('vmf').klFloor(settings)).toBeCloseTo(4.02352055514978, 10);
    expect(LATENT_FAMILIES.get('vmf').klFloor({ ...settings, kappa: 'learned' })).toBeUndefined();
    expect(LATENT_FAMILIES.get('gaussian').klFloor(settings)).toBeUndefined();
  });

  it('states the Power Spherical KL floor: its constant KL, log|S^{d-1}| - H', () => {
    expect(LATENT_FAMILIES.get('power-spherical').klFloor(settings)).toBeCloseTo(
      POWER_SPHERICAL_KL,
      4,
    );
    expect(
      LATENT_FAMILIES.get('power-spherical').klFloor({ ...settings, kappa: 'learned' }),
    ).toBeUndefined();
  });

  it('names the valid families for an unknown one', () => {
    expect(() => LATENT_FAMILIES.get('vfm')).toThrow(
      /unknown latent family "vfm"; valid choices: gaussian, bn, bn-su, vmf/,
    );
  });
});
