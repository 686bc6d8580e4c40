import * as tf from '@tensorflow/tfjs-core';
import {
  LATENT_FAMILIES,
  type RunModel,
  Vocabulary,
  latentPath,
  loadRunModel,
  posteriorCenter,
  reconstruct,
  sentenceRows,
  tokenize,
} from '@vaekit/core';
import { VonMisesFisher } from '@vaekit/distributions';
import { ImageVAE } from '@vaekit/layers';
import type { Decoded, LatentMap, ModelBundle, ModelSummary, VmfSamples } from '../shared/types';
import { decodedMessage, imageSide } from './app-model';
import { type Digits, loadDigits, loadSentences } from './data';

const fmt = (v: unknown, digits = 2) =>
  typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : String(v);

/**
 * The ids of a sentence typed into the explorer: the one tokenizer of `@vaekit/core` (as the
 * CLI's data pipeline and the app's Brown data use it), the model's vocabulary, at most
 * `maxTokens` tokens.
 */
export function typedSentenceIds(
  text: string,
  vocabulary: Vocabulary,
  maxTokens: number,
): number[] {
  return vocabulary.encode(tokenize(text).slice(0, maxTokens));
}

/** Whether a model's latents live on the sphere (its family's `spherical` in LATENT_FAMILIES). */
function spherical(model: RunModel): boolean {
  const family = model.vae.head.config.family;
  return LATENT_FAMILIES.has(family) && LATENT_FAMILIES.get(family).spherical;
}

/** Posterior centres of inputs `x` (inference mode): means, or mean directions on the sphere. */
function centers(model: RunModel, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => posteriorCenter(model.encode(x, { training: false })));
}

/** Top-2 eigenvectors of a symmetric `d x d` matrix by power iteration with deflation. */
function topTwoEigen(cov: number[][]): { vectors: number[][]; values: number[] } {
  const d = cov.length;
  const m = cov.map((r) => [...r]);
  const vectors: number[][] = [];
  const values: number[] = [];
  for (let c = 0; c < Math.min(2, d); c++) {
    let v = Array.from({ length: d }, (_, i) => 1 / Math.sqrt(d) + (i === c ? 0.5 : 0));
    let lambda = 0;
    for (let it = 0; it < 500; it++) {
      const w = m.map((row) => row.reduce((s, x, j) => s + x * v[j]!, 0));
      const norm = Math.hypot(...w);
      if (norm < 1e-12) break;
      const next = w.map((x) => x / norm);
      const delta = Math.hypot(...next.map((x, i) => x - v[i]!));
      v = next;
      lambda = norm;
      if (delta < 1e-10) break;
    }
    vectors.push(v);
    values.push(lambda);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) m[i]![j]! -= lambda * v[i]! * v[j]!;
  }
  return { vectors, values };
}

/**
 * The model explorer: holds one loaded model and answers the page's questions about it
 * (samples, reconstructions, interpolations, the latent map, decoding a point of the map).
 */
export class Explorer {
  private model: RunModel | undefined;
  private projection: { method: 'latent' | 'pca'; mean: number[]; axes: number[][] } | undefined;
  private digits: Digits | undefined;
  private testSentences: string[][] | undefined;

  constructor(private readonly dataBase: string) {}

  private get loaded(): RunModel {
    if (this.model === undefined) throw new Error('no model is loaded: load a run directory first');
    return this.model;
  }

  async load(bundle: ModelBundle, source: string): Promise<ModelSummary> {
    const { vaekit } = bundle;
    const artifacts = {
      ...bundle.artifacts,
      weightData: bundle.weightData,
    } as tf.io.ModelArtifacts;
    const className = (artifacts.modelTopology as { class_name?: string } | undefined)?.class_name;
    const expected = vaekit.kind === 'image' ? 'ImageVAE' : 'TextVAE';
    if (className !== expected) {
      throw new Error(
        `Incompatible model: model/vaekit.json describes ${vaekit.kind === 'image' ? 'an image model (ImageVAE)' : 'a text model (TextVAE)'}, but model/model.json holds ${className === 'ImageVAE' ? 'an image model (ImageVAE)' : className === 'TextVAE' ? 'a text model (TextVAE)' : className ? `a ${className}, which is not a vaekit model` : 'no vaekit model'}. The two files come from different runs: pick one run directory.`,
      );
    }
    let model: RunModel;
    try {
      const handler = tf.io.fromMemory(artifacts);
      if (vaekit.kind === 'image') model = await loadRunModel(handler, { kind: 'image' });
      else {
        const maxLength = Number(
          vaekit.config?.['maxLength'] ?? bundle.config?.['maxLength'] ?? 30,
        );
        const vocabulary = Vocabulary.fromJSON(vaekit.vocabulary!);
        model = await loadRunModel(handler, { kind: 'text', vocabulary, maxLength });
      }
    } catch (error) {
      throw new Error(`Incompatible model: ${(error as Error).message}`);
    }
    this.model?.dispose();
    this.model = model;
    this.projection = undefined;
    return this.summary(bundle, source);
  }

  private async summary(bundle: ModelBundle, source: string): Promise<ModelSummary> {
    const model = this.loaded;
    const config = { ...(bundle.vaekit.config ?? {}), ...(bundle.config ?? {}) } as Record<
      string,
      unknown
    >;
    const head = model.vae.head.config as unknown as Record<string, unknown>;
    const family = head['family'] as string;
    const spec = LATENT_FAMILIES.has(family) ? LATENT_FAMILIES.get(family) : undefined;
    const headDetail = (spec?.parameters ?? [])
      .map((p) =>
        p === 'kappa' && head['learnKappa'] ? ', learned kappa' : `, ${p} ${head[p] ?? 'default'}`,
      )
      .join('');
    const lines: string[] = [];
    if (model.vae instanceof ImageVAE) {
      const c = model.vae.config;
      lines.push(
        `Image VAE: MLP ${[c.inputDim, ...c.hiddenUnits, model.latentDim].join('-')} encoder, ${c.likelihood} pixels`,
      );
    } else {
      const c = model.vae.config;
      lines.push(
        `Text VAE: LSTM ${c.hiddenUnits} units, embedding ${c.embeddingDim}, vocabulary ${c.vocabSize}`,
      );
    }
    lines.push(`Latent: ${spec?.label ?? family}, d = ${model.latentDim}${headDetail}`);
    if (config['data'] !== undefined || config['objective'] !== undefined) {
      const objective = String(config['objective'] ?? 'elbo');
      const k = Number(config['k'] ?? 1);
      lines.push(
        `Trained on ${config['data'] ?? '?'} with ${objective}${k > 1 ? ` (K = ${k})` : ''}${Number(config['maxSteps']) > 0 ? `, at most ${config['maxSteps']} steps` : config['epochs'] !== undefined ? `, ${config['epochs']} epoch(s)` : ''}${config['steps'] !== undefined ? `, ${config['steps']} steps` : ''}`,
      );
    }
    const e = bundle.evaluation;
    if (e) {
      lines.push(
        `Test evaluation (eval.json): NLL ${fmt(e['nll'])} nats, ELBO ${fmt(e['elbo'])}, KL ${fmt(e['kl'])} nats, mutual information ${fmt(e['mutualInformation'])}, active units ${e['activeUnits']}/${model.latentDim}${e['perplexity'] !== undefined ? `, perplexity ${fmt(e['perplexity'], 1)}` : ''} (${e['examples']} examples, K = ${e['k']})`,
      );
    }
    const summary: ModelSummary = {
      kind: model.kind,
      family,
      latentDim: model.latentDim,
      lines,
      source,
    };
    if (model.vae instanceof ImageVAE) {
      const side = imageSide(model);
      if (side === undefined)
        throw new Error(
          `Incompatible model: its ${model.vae.config.inputDim} pixels are not a square image`,
        );
      summary.imageSide = side;
      summary.digitsCompatible = model.vae.config.inputDim === 784;
      const data = String(config['data'] ?? 'mnist');
      if (summary.digitsCompatible && !data.startsWith('mnist')) {
        lines.push(
          `Reconstructions, interpolations and the map use the app's MNIST digits; this model was trained on ${data}.`,
        );
      }
    } else {
      const sentences = await this.sentences();
      summary.exampleSentences = [sentences[0]!.join(' '), sentences[1]!.join(' ')];
    }
    return summary;
  }

  private async sentences(): Promise<string[][]> {
    if (this.testSentences === undefined) {
      const corpus = await loadSentences(this.dataBase);
      const vocab = Vocabulary.fromJSON(corpus.vocabulary);
      this.testSentences = corpus.test.map((s) => vocab.decode(s));
    }
    return this.testSentences;
  }

  private async testDigitsTensor(indices: number[]): Promise<tf.Tensor2D> {
    this.digits ??= await loadDigits(this.dataBase);
    const d = this.digits;
    const size = d.height * d.width;
    const data = new Float32Array(indices.length * size);
    indices.forEach((idx, i) => {
      if (!Number.isInteger(idx) || idx < 0 || idx >= d.nTest)
        throw new Error(`digit number must be an integer from 0 to ${d.nTest - 1}, got ${idx}`);
      for (let p = 0; p < size; p++) data[i * size + p] = d.test[idx * size + p]! / 255;
    });
    return tf.tensor2d(data, [indices.length, size]);
  }

  private requireDigits(): void {
    const vae = this.loaded.vae;
    if (vae instanceof ImageVAE && vae.config.inputDim !== 784) {
      throw new Error(
        `this model's images have ${vae.config.inputDim} pixels; the app's digits are 28x28 (784), so only samples are available`,
      );
    }
  }

  /** Held-out digits, for thumbnails and inputs. */
  async testDigits(indices: number[]): Promise<Decoded> {
    const x = await this.testDigitsTensor(indices);
    const data = x.dataSync() as Float32Array;
    x.dispose();
    return {
      kind: 'image',
      data: Float32Array.from(data),
      n: indices.length,
      height: 28,
      width: 28,
    };
  }

  /** Decoded draws from the prior (sentences sampled at `temperature` when given). */
  samples(n: number, seed: number, temperature?: number): Decoded {
    const model = this.loaded;
    const z = tf.tidy(() => {
      const s = model.prior.sample(n, { seed });
      return s.rank === 3 ? tf.reshape(s, [n, model.latentDim]) : s;
    });
    try {
      return decodedMessage(
        model,
        model.decodeLatents(z, { ...(temperature !== undefined ? { temperature } : {}), seed }),
      );
    } finally {
      z.dispose();
    }
  }

  private async inputs(items: (number | string)[]): Promise<{ x: tf.Tensor; shown: Decoded }> {
    const model = this.loaded;
    if (model.kind === 'image') {
      this.requireDigits();
      const indices = items.map((i) => Number(i));
      const x = await this.testDigitsTensor(indices);
      const data = Float32Array.from(x.dataSync() as Float32Array);
      return { x, shown: { kind: 'image', data, n: indices.length, height: 28, width: 28 } };
    }
    const ids = items.map((s, i) => {
      const row = typedSentenceIds(String(s), model.vocabulary!, model.maxLength! - 1);
      if (row.length === 0) throw new Error(`sentence ${i + 1} is empty`);
      return row;
    });
    return {
      x: sentenceRows(ids),
      shown: { kind: 'text', sentences: ids.map((row) => model.vocabulary!.decode(row).join(' ')) },
    };
  }

  /** Held-out inputs `offset..offset+n-1` and their reconstructions (decoded posterior centres). */
  async reconstruct(n: number, offset: number): Promise<{ inputs: Decoded; outputs: Decoded }> {
    const model = this.loaded;
    let items: (number | string)[];
    if (model.kind === 'image') items = Array.from({ length: n }, (_, i) => offset + i);
    else {
      const sentences = await this.sentences();
      items = Array.from({ length: n }, (_, i) =>
        sentences[(offset + i) % sentences.length]!.join(' '),
      );
    }
    const { x, shown } = await this.inputs(items);
    try {
      return { inputs: shown, outputs: decodedMessage(model, reconstruct(model, x)) };
    } finally {
      x.dispose();
    }
  }

  /**
   * Decode points between the posterior centres of two inputs: linear for Gaussian latents,
   * spherical (slerp, along the great circle) for vMF latents, which live on the sphere.
   */
  async interpolate(
    from: number | string,
    to: number | string,
    steps: number,
  ): Promise<{
    method: 'linear' | 'spherical';
    inputs: Decoded;
    path: Decoded;
    /** Images: the digits the two held-out images show. */
    labels?: [number, number];
  }> {
    const model = this.loaded;
    const { x, shown } = await this.inputs([from, to]);
    const labels =
      model.kind === 'image' && this.digits
        ? ([this.digits.testLabels[Number(from)]!, this.digits.testLabels[Number(to)]!] as [
            number,
            number,
          ])
        : undefined;
    const onSphere = spherical(model);
    try {
      const z = tf.tidy(() => {
        const [a, b] = tf.unstack(centers(model, x)) as [tf.Tensor1D, tf.Tensor1D];
        return latentPath(a, b, steps, onSphere);
      });
      try {
        return {
          method: onSphere ? 'spherical' : 'linear',
          inputs: shown,
          path: decodedMessage(model, model.decodeLatents(z)),
          ...(labels ? { labels } : {}),
        };
      } finally {
        z.dispose();
      }
    } finally {
      x.dispose();
    }
  }

  /** Posterior centres of `n` held-out inputs in 2-D: the latent itself (d = 2) or PCA. */
  async latentMap(n: number): Promise<LatentMap> {
    const model = this.loaded;
    let labels: number[];
    let texts: string[] | undefined;
    let items: (number | string)[];
    if (model.kind === 'image') {
      this.requireDigits();
      this.digits ??= await loadDigits(this.dataBase);
      const count = Math.min(n, this.digits.nTest);
      items = Array.from({ length: count }, (_, i) => i);
      labels = Array.from(this.digits.testLabels.subarray(0, count));
    } else {
      const sentences = (await this.sentences()).slice(0, n);
      texts = sentences.map((s) => s.join(' '));
      items = texts;
      labels = sentences.map((s) => s.length);
    }
    const { x } = await this.inputs(items);
    const c = centers(model, x);
    x.dispose();
    const rows = c.arraySync() as number[][];
    c.dispose();
    const d = model.latentDim;
    let method: 'latent' | 'pca' = 'latent';
    let mean = new Array(d).fill(0);
    let axes = [
      [1, 0],
      [0, 1],
    ];
    let explained: number | undefined;
    if (d !== 2) {
      method = 'pca';
      mean = mean.map((_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);
      const cov = Array.from({ length: d }, (_, i) =>
        Array.from(
          { length: d },
          (_, j) =>
            rows.reduce((s, r) => s + (r[i]! - mean[i]) * (r[j]! - mean[j]), 0) / (rows.length - 1),
        ),
      );
      const eig = topTwoEigen(cov);
      axes = eig.vectors;
      const trace = cov.reduce((s, r, i) => s + r[i]!, 0);
      explained = trace > 0 ? (eig.values[0]! + (eig.values[1] ?? 0)) / trace : 0;
    }
    this.projection = { method, mean, axes };
    const dims = {
      mean: Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length),
      min: Array.from({ length: d }, (_, j) => Math.min(...rows.map((r) => r[j]!))),
      max: Array.from({ length: d }, (_, j) => Math.max(...rows.map((r) => r[j]!))),
    };
    const points = rows.map((r, i) => {
      const centred = r.map((v, j) => v - mean[j]);
      const x = centred.reduce((s, v, j) => s + v * axes[0]![j]!, 0);
      const y = axes[1] ? centred.reduce((s, v, j) => s + v * axes[1]![j]!, 0) : 0;
      return { x, y, label: labels[i]!, ...(texts ? { text: texts[i]! } : {}) };
    });
    return {
      method,
      axes: method === 'latent' ? ['z1', 'z2'] : ['PC 1', 'PC 2'],
      points,
      labelName: model.kind === 'image' ? 'digit' : 'sentence length (tokens)',
      ...(explained !== undefined ? { explained } : {}),
      dims,
    };
  }

  /** Decode one latent vector (projected onto the sphere for spherical families). */
  decodeLatent(z: number[]): Decoded {
    const model = this.loaded;
    if (z.length !== model.latentDim || !z.every(Number.isFinite))
      throw new Error(`a latent vector needs ${model.latentDim} finite numbers, got ${z.length}`);
    let row = z;
    if (spherical(model)) {
      const norm = Math.hypot(...z) || 1;
      row = z.map((v) => v / norm);
    }
    const t = tf.tensor2d([row]);
    try {
      return decodedMessage(model, model.decodeLatents(t));
    } finally {
      t.dispose();
    }
  }

  /**
   * Encode an image drawn in the page (pixel values in [0, 1], 28x28 like the app's digits):
   * its posterior centre, the reconstruction decoded from it, and where it falls on the map.
   */
  encodeImage(pixels: Float32Array): {
    z: number[];
    reconstruction: Decoded;
    map?: [number, number];
  } {
    const model = this.loaded;
    this.requireDigits();
    if (model.kind !== 'image' || pixels.length !== 784)
      throw new Error(`a drawing must be 28x28 = 784 pixels, got ${pixels.length}`);
    const x = tf.tensor2d(pixels, [1, 784]);
    let z: number[];
    try {
      const c = centers(model, x);
      z = Array.from(c.dataSync());
      c.dispose();
    } finally {
      x.dispose();
    }
    const p = this.projection;
    const map = p
      ? ([0, 1].map((a) =>
          z.reduce((s, v, j) => s + (v - p.mean[j]!) * (p.axes[a]?.[j] ?? 0), 0),
        ) as [number, number])
      : undefined;
    return { z, reconstruction: this.decodeLatent(z), ...(map ? { map } : {}) };
  }

  /** Decode one point of the latent map (back through the projection; onto the sphere for vMF). */
  decodePoint(x: number, y: number): Decoded {
    const model = this.loaded;
    const p = this.projection;
    if (p === undefined) throw new Error('draw the latent map first');
    const z = p.mean.map((m, j) => m + x * p.axes[0]![j]! + y * (p.axes[1]?.[j] ?? 0));
    let row = z;
    if (spherical(model)) {
      const norm = Math.hypot(...z) || 1;
      row = z.map((v) => v / norm);
    }
    const t = tf.tensor2d([row]);
    try {
      return decodedMessage(model, model.decodeLatents(t));
    } finally {
      t.dispose();
    }
  }

  /**
   * Decode an `n x n` grid of map points (rows from the top, `y1` down to `y0`; columns from
   * `x0` to `x1`): the decoder's picture of the latent space around the data.
   */
  decodeGrid(x0: number, x1: number, y0: number, y1: number, n: number): Decoded {
    const model = this.loaded;
    const p = this.projection;
    if (p === undefined) throw new Error('draw the latent map first');
    if (!(Number.isInteger(n) && n >= 2 && n <= 24))
      throw new Error(`grid size must be 2 to 24, got ${n}`);
    const rows: number[][] = [];
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const x = x0 + ((c + 0.5) / n) * (x1 - x0);
        const y = y1 - ((r + 0.5) / n) * (y1 - y0);
        let z = p.mean.map((m, j) => m + x * p.axes[0]![j]! + y * (p.axes[1]?.[j] ?? 0));
        if (spherical(model)) {
          const norm = Math.hypot(...z) || 1;
          z = z.map((v) => v / norm);
        }
        rows.push(z);
      }
    }
    const t = tf.tensor2d(rows);
    try {
      return decodedMessage(model, model.decodeLatents(t));
    } finally {
      t.dispose();
    }
  }

  dispose(): void {
    this.model?.dispose();
    this.model = undefined;
  }
}

/** Draws from a vMF on S^2 with both samplers, timed. */
export function vmfSamples(
  mu: [number, number, number],
  kappa: number,
  n: number,
  seed: number,
): VmfSamples[] {
  const norm = Math.hypot(...mu);
  if (!(norm > 0)) throw new Error('the mean direction must not be the zero vector');
  if (!(Number.isFinite(kappa) && kappa >= 0))
    throw new Error(`kappa must be a number >= 0, got ${kappa}`);
  if (!(Number.isInteger(n) && n >= 1 && n <= 20000))
    throw new Error(`points must be an integer from 1 to 20000, got ${n}`);
  const unit = mu.map((v) => v / norm);
  return (['inverse-cdf', 'wood'] as const).map((sampler) => {
    const loc = tf.tensor1d(unit);
    const dist = new VonMisesFisher({ meanDirection: loc, concentration: kappa, sampler });
    const t0 = performance.now();
    const z = dist.sample(n, { seed });
    const points = Float32Array.from(z.dataSync() as Float32Array);
    const ms = performance.now() - t0;
    z.dispose();
    dist.dispose();
    loc.dispose();
    let sum = 0;
    for (let i = 0; i < n; i++)
      sum +=
        points[3 * i]! * unit[0]! + points[3 * i + 1]! * unit[1]! + points[3 * i + 2]! * unit[2]!;
    return { sampler, points, ms, meanCosine: sum / n };
  });
}
