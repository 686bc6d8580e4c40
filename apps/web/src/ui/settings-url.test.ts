import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../shared/types';
import { URL_SETTING_KEYS, formValues, parseSettingsQuery, settingsQuery } from './settings-url';

const defaults = formValues(DEFAULT_SETTINGS);

describe('settings in the URL', () => {
  it('holds only what differs from the defaults, and reads back what it wrote', () => {
    expect(settingsQuery(defaults, defaults)).toBe('');
    const values = { ...defaults, latent: 'vmf', kappa: '20', steps: '400', lr: '0.0010' };
    const query = settingsQuery(values, defaults);
    expect(query).toBe('latent=vmf&kappa=20&steps=400'); // 0.0010 is the default 0.001
    expect(parseSettingsQuery(query)).toEqual({
      values: { latent: 'vmf', kappa: '20', steps: '400' },
      problems: [],
    });
    expect(parseSettingsQuery('kappa=learned').values).toEqual({ kappa: 'learned' });
  });

  it('names what a link holds that the form cannot take', () => {
    const { values, problems } = parseSettingsQuery(
      'latent=nope&kappa=abc&colour=red&objective=iwae&k=5&gradientEstimator=pathwise&objective=elbo',
    );
    expect(values).toEqual({ k: '5', objective: 'elbo' });
    expect(problems).toEqual([
      expect.stringMatching(/^latent=nope is not one of gaussian, bn, bn-su, vmf/),
      'kappa=abc is not a number',
      "'colour' is not a setting of this form",
      'gradientEstimator=pathwise is not one of reparameterized, dreg',
    ]);
  });

  it('covers the settings the form shows, not the fixed clip norm', () => {
    expect(URL_SETTING_KEYS).toContain('steps');
    expect(URL_SETTING_KEYS).not.toContain('clipNorm');
  });
});
