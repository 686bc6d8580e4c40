/**
 * Measured accuracy of the von Mises-Fisher code against mpmath, the numbers the TSDoc states.
 *
 *   node --conditions=@vaekit/source --import tsx bench/vmf-accuracy.ts
 *
 * Environment: BENCH_BACKEND=wasm|cpu (default wasm, through @vaekit/backend's selectBackend).
 *
 * For d in {2, 3, 10, 50, 1000} and kappa in {0, 1, 10, 1e3, 1e5} (references in
 * src/special/__fixtures__/vmf-accuracy.json, from scripts/generate-hardening-fixtures.py) it
 * prints
 * - the worst relative error in `t = 1 - w` of the inverse-CDF sampler's quantiles, over 11
 *   levels u from 1e-10 to 1 - 1e-9, for the 1024-cell tables (few distinct concentrations) and
 *   the 128-cell tables with exact partial-cell integrals (many);
 * - the error of the float32 tensor functions at the float32 kappa: log C_d, the KL to the
 *   uniform and the entropy as absolute errors and in units of `max(|value|, |log|S^{d-1}||, 1)`
 *   (their rounding scale), A_d relative.
 * The assertions on the same numbers are in src/internal/vmf-angle-table.test.ts and
 * src/special/vmf-accuracy.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@vaekit/backend';
import {
  CELLS,
  COARSE_CELLS,
  angleQuantile,
  buildAngleTable,
} from '../src/internal/vmf-angle-table';
import accuracy from '../src/special/__fixtures__/vmf-accuracy.json';
import { logSphereSurfaceArea } from '../src/special/log-sphere-surface-area';
import {
  vmfEntropyTensor,
  vmfKLToUniformTensor,
  vmfLogNormalizerTensor,
  vmfMeanResultantLengthTensor,
} from '../src/special/tensor';

tf.env().set('PROD', true);
await selectBackend(process.env.BENCH_BACKEND ?? 'wasm');

const oneMinusCos = (theta: number) => 2 * Math.sin(0.5 * theta) ** 2;
const fmt = (x: number) => x.toExponential(1).padStart(8);

console.log(`backend ${tf.getBackend()}`);
console.log('quantiles: worst relative error in t = 1 - w');
console.log('   d    kappa   1024 cells   128 cells');
let worst = [0, 0];
for (const r of accuracy.rows) {
  const qs = accuracy.quantiles.filter((q) => q.dim === r.dim && q.kappa === r.kappa);
  const errs = [CELLS, COARSE_CELLS].map((cells) => {
    const table = buildAngleTable(r.dim, r.kappa, cells);
    let e = 0;
    for (const q of qs) {
      const t = Number(q.t);
      e = Math.max(e, Math.abs(oneMinusCos(angleQuantile(table, q.u)) - t) / t);
    }
    return e;
  });
  worst = worst.map((w, i) => Math.max(w, errs[i]!));
  console.log(
    `${String(r.dim).padStart(4)} ${String(r.kappa).padStart(8)}   ${fmt(errs[0]!)}    ${fmt(errs[1]!)}`,
  );
}
console.log(`worst                ${fmt(worst[0]!)}    ${fmt(worst[1]!)}`);

console.log('\nfloat32 tensors: absolute error (and in units of max(|value|, |log|S||, 1))');
console.log(
  '   d    kappa        log C_d                KL               entropy          A_d rel',
);
const worstScaled = { logC: 0, kl: 0, h: 0, a: 0 };
for (const r of accuracy.rows) {
  const k = Math.fround(r.kappa);
  const at = (op: (d: number, x: tf.Tensor) => tf.Tensor) =>
    tf.tidy(() => op(r.dim, tf.tensor1d([k])).dataSync()[0]!);
  const logArea = Math.abs(logSphereSurfaceArea(r.dim));
  const cell = (got: number, expected: number) => {
    const abs = Math.abs(got - expected);
    const scaled = abs / Math.max(Math.abs(expected), logArea, 1);
    return { abs, scaled, text: `${fmt(abs)} (${fmt(scaled)})` };
  };
  const logC = cell(at(vmfLogNormalizerTensor), Number(r.logNormalizer));
  const kl = cell(at(vmfKLToUniformTensor), Number(r.klToUniform));
  const h = cell(at(vmfEntropyTensor), Number(r.entropy));
  const aExp = Number(r.meanResultantLength);
  const a =
    aExp === 0
      ? Math.abs(at(vmfMeanResultantLengthTensor))
      : Math.abs(at(vmfMeanResultantLengthTensor) - aExp) / aExp;
  worstScaled.logC = Math.max(worstScaled.logC, logC.scaled);
  worstScaled.kl = Math.max(worstScaled.kl, kl.scaled);
  worstScaled.h = Math.max(worstScaled.h, h.scaled);
  worstScaled.a = Math.max(worstScaled.a, a);
  console.log(
    `${String(r.dim).padStart(4)} ${String(r.kappa).padStart(8)}  ${logC.text}  ${kl.text}  ${h.text}  ${fmt(a)}`,
  );
}
console.log(
  `worst (scaled)          ${fmt(worstScaled.logC)}            ${fmt(worstScaled.kl)}            ${fmt(worstScaled.h)}        ${fmt(worstScaled.a)}`,
);
