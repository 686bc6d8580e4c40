import type { VocabularyJSON } from '@vaekit/core';

/**
 * The app's training data, generated at build time by scripts/prepare-data.ts into
 * public/data/ and fetched from the page's own origin.
 */

export interface Digits {
  height: number;
  width: number;
  nTrain: number;
  nTest: number;
  /** Grey levels 0..255, `nTrain * height * width` (training) and `nTest * ...` (held out). */
  train: Uint8Array;
  test: Uint8Array;
  trainLabels: Uint8Array;
  testLabels: Uint8Array;
  source: string;
}

export interface Sentences {
  vocabulary: VocabularyJSON;
  /** Token ids without `<bos>` / `<eos>`. */
  train: number[][];
  test: number[][];
  maxLength: number;
  source: string;
}

async function fetchOk(url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`could not fetch ${url}: ${(error as Error).message}`);
  }
  if (!response.ok) {
    throw new Error(
      `could not fetch ${url} (HTTP ${response.status}); the build generates it (pnpm --filter web build)`,
    );
  }
  return response;
}

let digits: Promise<Digits> | undefined;
let sentences: Promise<Sentences> | undefined;

/** The MNIST subset (cached per worker). */
export function loadDigits(base: string): Promise<Digits> {
  digits ??= (async () => {
    const meta = (await (await fetchOk(new URL('mnist.json', base).href)).json()) as {
      height: number;
      width: number;
      train: number;
      test: number;
      source: string;
    };
    const [pixels, labels] = await Promise.all([
      fetchOk(new URL('mnist.bin', base).href).then((r) => r.arrayBuffer()),
      fetchOk(new URL('mnist-labels.bin', base).href).then((r) => r.arrayBuffer()),
    ]);
    const size = meta.height * meta.width;
    const all = new Uint8Array(pixels);
    const allLabels = new Uint8Array(labels);
    if (
      all.length !== (meta.train + meta.test) * size ||
      allLabels.length !== meta.train + meta.test
    ) {
      throw new Error('mnist.bin does not match mnist.json: rebuild the app');
    }
    return {
      height: meta.height,
      width: meta.width,
      nTrain: meta.train,
      nTest: meta.test,
      train: all.subarray(0, meta.train * size),
      test: all.subarray(meta.train * size),
      trainLabels: allLabels.subarray(0, meta.train),
      testLabels: allLabels.subarray(meta.train),
      source: meta.source,
    };
  })();
  digits.catch(() => {
    digits = undefined;
  });
  return digits;
}

/** The Brown-corpus subset (cached per worker). */
export function loadSentences(base: string): Promise<Sentences> {
  sentences ??= fetchOk(new URL('brown.json', base).href).then(
    (r) => r.json() as Promise<Sentences>,
  );
  sentences.catch(() => {
    sentences = undefined;
  });
  return sentences;
}
