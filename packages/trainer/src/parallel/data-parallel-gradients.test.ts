import * as tf from '@tensorflow/tfjs-core';
import { AdamWithClipping } from '@vaekit/backend';
import { ImageVAE, TextVAE } from '@vaekit/layers';
import {
  type ObjectiveGradients,
  type ObjectiveOptions,
  disposeObjectiveGradients,
  objectiveGradients,
} from '@vaekit/objectives';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataParallelGradients, shardSeed, shardSizes } from './data-parallel-gradients';

const variablesOf = (m: ImageVAE | TextVAE) => ({
  encoder: m.encoderVariables,
  decoder: m.decoderVariables,
});

function expectClose(
  actual: tf.Tensor,
  expected: tf.Tensor,
  { rtol = 1e-4, atol = 1e-5 } = {},
  what = '',
): void {
  expect(actual.shape, what).toEqual(expected.shape);
  const a = actual.dataSync();
  const e = expected.dataSync();
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i]! - e[i]!) <= atol + rtol * Math.abs(e[i]!)))
      expect.fail(`${what} element ${i}: ${a[i]} vs ${e[i]}`);
  }
}

function expectSameGradients(actual: ObjectiveGradients, expected: ObjectiveGradients, tol = {}) {
  for (const key of ['encoderGrads', 'decoderGrads'] as const) {
    expect(Object.keys(actual[key]).sort()).toEqual(Object.keys(expected[key]).sort());
    for (const [name, g] of Object.entries(expected[key]))
      expectClose(actual[key][name]!, g, tol, name);
  }
  expectClose(actual.encoderLoss, expected.encoderLoss, tol, 'encoderLoss');
  expectClose(actual.bound, expected.bound, tol, 'bound');
  expectClose(actual.kl, expected.kl, tol, 'kl');
  expectClose(actual.reconstruction, expected.reconstruction, tol, 'reconstruction');
}

/** Posterior scale e^-20: every draw is the mean to float32 precision, whatever the seed. */
function collapseScale(model: ImageVAE | TextVAE): void {
  for (const v of model.encoderVariables)
    if (v.name.includes('logvar') && v.name.includes('bias')) v.assign(tf.fill(v.shape, -40));
}

function binaryImages(n: number, d: number, seed: number): tf.Tensor2D {
  return tf.tidy(
    () =>
      tf.cast(
        tf.less(tf.randomUniform([n, d], 0, 1, 'float32', seed), 0.4),
        'float32',
      ) as tf.Tensor2D,
  );
}

describe('shardSizes and shardSeed', () => {
  it('splits a batch into contiguous near-equal shards, larger first, none empty', () => {
    expect(shardSizes(10, 3)).toEqual([4, 3, 3]);
    expect(shardSizes(128, 2)).toEqual([64, 64]);
    expect(shardSizes(2, 3)).toEqual([1, 1]);
  });

  it('keeps the step seed for shard 0 and derives distinct seeds for the others', () => {
    expect(shardSeed(1234, 0)).toBe(1234);
    const seeds = new Set([0, 1, 2, 3].map((i) => shardSeed(1234, i)));
    expect(seeds.size).toBe(4);
    expect(shardSeed(1234, 1)).toBe(shardSeed(1234, 1));
  });
});

describe('DataParallelGradients', () => {
  let model: ImageVAE;
  let two: DataParallelGradients;
  let three: DataParallelGradients;
  const x = () => binaryImages(10, 12, 5);

  beforeAll(async () => {
    model = new ImageVAE({
      inputDim: 12,
      hiddenUnits: [8],
      head: { family: 'gaussian', latentDim: 3 },
      seed: 3,
    });
    two = await DataParallelGradients.create(model, { threads: 2 });
    three = await DataParallelGradients.create(model, { threads: 3 });
  }, 60_000);

  afterAll(async () => {
    await two?.dispose();
    await three?.dispose();
    model?.dispose();
  });

  // With the posterior's scale at e^-20 the ELBO's draws are the means, whatever the seed, so the
  // data-parallel step must reproduce the single-process full-batch gradients. (IWAE's weights
  // depend on the standardised draws themselves, so it is checked shard by shard below.)
  it.each([
    ['elbo', 1],
    ['elbo', 4],
  ] as const)(
    '%s (K = %d): equals the single-process gradients of the full batch when draws do not depend on the seed',
    async (objective, k) => {
      const saved = model.getWeights();
      collapseScale(model);
      const batch = x();
      const options = { objective, k, seed: 17, training: true };
      const single = objectiveGradients(model, batch, options, variablesOf(model));
      for (const parallel of [two, three]) {
        const g = await parallel.objectiveGradients(batch, options);
        expectSameGradients(g, single);
        disposeObjectiveGradients(g);
      }
      disposeObjectiveGradients(single);
      batch.dispose();
      model.setWeights(saved);
      tf.dispose(saved);
    },
    60_000,
  );

  it('equals the size-weighted average of single-process shard gradients with the shard seeds', async () => {
    const batch = x();
    const options = { objective: 'iwae' as const, k: 3, seed: 99, training: true };
    const sizes = shardSizes(10, 3);
    const shards = tf.split(batch, sizes);
    const parts = shards.map((s, i) =>
      objectiveGradients(model, s, { ...options, seed: shardSeed(99, i) }, variablesOf(model)),
    );
    const expected = tf.tidy(() => {
      const average = (pick: (g: ObjectiveGradients) => tf.Tensor) =>
        tf.addN(parts.map((g, i) => tf.mul(pick(g), sizes[i]! / 10)));
      const grads = (key: 'encoderGrads' | 'decoderGrads') =>
        Object.fromEntries(Object.keys(parts[0]![key]).map((n) => [n, average((g) => g[key][n]!)]));
      return {
        encoderGrads: grads('encoderGrads'),
        decoderGrads: grads('decoderGrads'),
        encoderLoss: average((g) => g.encoderLoss),
        bound: tf.concat(parts.map((g) => g.bound)),
        kl: tf.concat(parts.map((g) => g.kl)),
        reconstruction: tf.concat(parts.map((g) => g.reconstruction)),
      };
    }) as unknown as ObjectiveGradients;
    const g = await three.objectiveGradients(batch, options);
    expectSameGradients(g, expected, { rtol: 1e-5, atol: 1e-6 });
    disposeObjectiveGradients(g);
    for (const p of parts) disposeObjectiveGradients(p);
    tf.dispose([
      batch,
      ...shards,
      ...Object.values(expected.encoderGrads),
      ...Object.values(expected.decoderGrads),
      expected.encoderLoss,
      expected.bound,
      expected.kl,
      expected.reconstruction,
    ]);
  }, 60_000);

  it('is deterministic, uses the weights the model has now, and leaks no tensors', async () => {
    const batch = x();
    const options = { objective: 'elbo' as const, seed: 5, training: true };
    const before = tf.memory().numTensors;
    const a = await two.objectiveGradients(batch, options);
    const b = await two.objectiveGradients(batch, options);
    expectSameGradients(a, b, { rtol: 0, atol: 0 });
    // Change the weights: the workers must follow.
    const saved = model.getWeights();
    const halved = saved.map((w) => tf.mul(w, 0.5));
    model.setWeights(halved);
    tf.dispose(halved);
    const c = await two.objectiveGradients(batch, options);
    const single = await (
      await DataParallelGradients.create(model, { threads: 1 })
    ).objectiveGradients(batch, options);
    const firstName = Object.keys(a.encoderGrads)[0]!;
    expect(Array.from(c.encoderGrads[firstName]!.dataSync())).not.toEqual(
      Array.from(a.encoderGrads[firstName]!.dataSync()),
    );
    // Shard 0 of a 2-thread step is the first half: its bound equals the 1-thread step's there.
    tf.tidy(() =>
      expectClose(tf.slice(c.bound, 0, 5), tf.slice(single.bound, 0, 5), {
        rtol: 1e-5,
        atol: 1e-5,
      }),
    );
    for (const r of [a, b, c, single]) disposeObjectiveGradients(r);
    model.setWeights(saved);
    tf.dispose(saved);
    expect(tf.memory().numTensors).toBe(before);
    batch.dispose();
  }, 60_000);

  it('trains a TextVAE replica too (token batches)', async () => {
    const text = new TextVAE({
      vocabSize: 30,
      embeddingDim: 8,
      hiddenUnits: 8,
      head: { family: 'gaussian', latentDim: 2 },
      seed: 2,
    });
    collapseScale(text);
    const parallel = await DataParallelGradients.create(text, { threads: 2 });
    const tokens = tf.tidy(() =>
      tf.concat([tf.fill([6, 1], 1, 'int32'), tf.randomUniform([6, 5], 4, 30, 'int32', 3)], 1),
    );
    const options = { objective: 'elbo' as const, seed: 3, training: true };
    const single = objectiveGradients(text, tokens, options, variablesOf(text));
    const g = await parallel.objectiveGradients(tokens, options);
    expectSameGradients(g, single);
    disposeObjectiveGradients(g);
    disposeObjectiveGradients(single);
    await parallel.dispose();
    tokens.dispose();
    text.dispose();
  }, 60_000);

  it('refuses free bits and bad thread counts', async () => {
    const batch = x();
    await expect(
      two.objectiveGradients(batch, { objective: 'elbo', freeBits: 0.1, seed: 1 }),
    ).rejects.toThrow(/freeBits/);
    await expect(DataParallelGradients.create(model, { threads: 0 })).rejects.toThrow(/threads/);
    batch.dispose();
  });
});

describe('DataParallelGradients with a replicated optimizer', () => {
  const config = {
    inputDim: 12,
    hiddenUnits: [8],
    head: { family: 'gaussian' as const, latentDim: 3 },
    seed: 4,
  };
  let batches: tf.Tensor2D[] = [];
  beforeAll(() => {
    batches = [0, 1, 2, 3, 4, 5].map((i) => binaryImages(10, 12, 20 + i));
  });
  afterAll(() => tf.dispose(batches));

  /**
   * Two steps on one thread (so the optimizer has moments to replicate), then `steps` steps over
   * `threads` threads with the weights sent each step or with replicas of the optimizer; the
   * learning rate changes half-way and clipping (at 0.5) is active. Returns the model's weights
   * and, for replicas, the workers' weights.
   */
  async function train(replicated: boolean, threads: number, steps = 4) {
    const model = new ImageVAE(config);
    const optimizer = new AdamWithClipping(1e-2, 0.5);
    const step = async (
      i: number,
      source: (
        x: tf.Tensor,
        o: ObjectiveOptions,
      ) => Promise<ObjectiveGradients> | ObjectiveGradients,
      apply: (g: tf.NamedTensorMap) => void,
    ) => {
      const g = await source(batches[i]!, {
        objective: 'iwae',
        k: 3,
        seed: 40 + i,
        training: true,
      });
      apply({ ...g.encoderGrads, ...g.decoderGrads });
      disposeObjectiveGradients(g);
    };
    for (const i of [0, 1]) {
      await step(
        i,
        (x, o) => objectiveGradients(model, x, o, variablesOf(model)),
        (g) => optimizer.applyGradients(g),
      );
    }
    const parallel = await DataParallelGradients.create(model, {
      threads,
      ...(replicated ? { optimizer } : {}),
    });
    const before = tf.memory().numTensors;
    for (let i = 2; i < 2 + steps; i++) {
      if (i === 4) optimizer.learningRate = 3e-3;
      await step(
        i,
        (x, o) => parallel.objectiveGradients(x, o),
        (g) => (replicated ? parallel.applyGradients(g) : optimizer.applyGradients(g)),
      );
    }
    const leaked = tf.memory().numTensors - before;
    const weights = model.getWeights().map((w) => {
      const values = w.dataSync() as Float32Array;
      w.dispose();
      return values;
    });
    const workers = replicated ? await parallel.workerWeights() : [];
    await parallel.dispose();
    optimizer.dispose();
    model.dispose();
    return { weights, workers, leaked };
  }

  it('trains bit for bit as sending the weights does, and every replica equals the model', async () => {
    for (const threads of [2, 3]) {
      const sent = await train(false, threads);
      const replicated = await train(true, threads);
      expect(replicated.leaked).toBe(0);
      expect(replicated.weights).toEqual(sent.weights);
      expect(replicated.workers).toHaveLength(threads - 1);
      for (const worker of replicated.workers) expect(worker).toEqual(replicated.weights);
    }
    // The runs moved the weights (the comparison is not of two untouched models).
    const untouched = new ImageVAE(config);
    const initial = untouched.getWeights().map((w) => w.dataSync());
    untouched.dispose();
    expect((await train(true, 2, 1)).weights[0]).not.toEqual(initial[0]);
  }, 120_000);

  it('keeps a replica without a shard (a batch smaller than the threads) equal too', async () => {
    const run = async (replicated: boolean) => {
      const model = new ImageVAE(config);
      const optimizer = new AdamWithClipping(1e-2, 5);
      const parallel = await DataParallelGradients.create(model, {
        threads: 3,
        ...(replicated ? { optimizer } : {}),
      });
      // 2 rows, then 1, then 5: shards [1, 1], [1], [2, 2, 1].
      for (const [i, rows] of [2, 1, 5].entries()) {
        const x = tf.slice(batches[i]!, 0, rows);
        const g = await parallel.objectiveGradients(x, {
          objective: 'elbo',
          seed: i,
          training: true,
        });
        const grads = { ...g.encoderGrads, ...g.decoderGrads };
        if (replicated) parallel.applyGradients(grads);
        else optimizer.applyGradients(grads);
        disposeObjectiveGradients(g);
        x.dispose();
      }
      const weights = model.getWeights().map((w) => w.dataSync());
      const workers = replicated ? await parallel.workerWeights() : [];
      await parallel.dispose();
      optimizer.dispose();
      model.dispose();
      return { weights, workers };
    };
    const sent = await run(false);
    const replicated = await run(true);
    expect(replicated.weights).toEqual(sent.weights);
    for (const worker of replicated.workers) expect(worker).toEqual(replicated.weights);
  }, 60_000);

  it('refuses a step after the optimizer stepped behind its back, until sync', async () => {
    const model = new ImageVAE(config);
    const optimizer = new AdamWithClipping(1e-2, 5);
    const parallel = await DataParallelGradients.create(model, { threads: 2, optimizer });
    const options = { objective: 'elbo' as const, seed: 1, training: true };
    const g = await parallel.objectiveGradients(batches[0]!, options);
    optimizer.applyGradients({ ...g.encoderGrads, ...g.decoderGrads });
    disposeObjectiveGradients(g);
    await expect(parallel.objectiveGradients(batches[1]!, options)).rejects.toThrow(
      /taken 1 steps, its worker replicas 0.*applyGradients.*sync/,
    );
    await parallel.sync();
    const again = await parallel.objectiveGradients(batches[1]!, options);
    parallel.applyGradients({ ...again.encoderGrads, ...again.decoderGrads });
    disposeObjectiveGradients(again);
    const [worker] = await parallel.workerWeights();
    const own = model.getWeights();
    expect(worker).toEqual(own.map((w) => w.dataSync()));
    tf.dispose(own);
    expect(() => parallel.applyGradients({ nope: tf.zeros([1]) })).toThrow(
      /'nope' is not a variable of the model/,
    );
    await parallel.dispose();
    optimizer.dispose();
    model.dispose();
  }, 60_000);

  it('refuses applyGradients without a replicated optimizer', async () => {
    const model = new ImageVAE(config);
    const parallel = await DataParallelGradients.create(model, { threads: 1 });
    expect(() => parallel.applyGradients({})).toThrow(/needs a replicated optimizer.*optimizer/);
    await parallel.dispose();
    model.dispose();
  });
});

describe('DataParallelGradients when a worker thread has stopped', () => {
  it('rejects the step, naming it, instead of waiting forever', async () => {
    const model = new ImageVAE({
      inputDim: 6,
      hiddenUnits: [4],
      head: { family: 'gaussian', latentDim: 2 },
      seed: 1,
    });
    const parallel = await DataParallelGradients.create(model, { threads: 2 });
    const worker = (parallel as unknown as { workers: { terminate(): Promise<number> }[] })
      .workers[0]!;
    await worker.terminate();
    const x = binaryImages(4, 6, 1);
    await expect(parallel.objectiveGradients(x, { objective: 'elbo', seed: 1 })).rejects.toThrow(
      /data-parallel worker: the worker thread has exited/,
    );
    x.dispose();
    await parallel.dispose();
    model.dispose();
  }, 60_000);
});
