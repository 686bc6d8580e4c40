import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  type ModelData,
  type RunModel,
  Vocabulary,
  createModel,
  loadRunModel,
  resolveConfig,
  tokenize,
} from '@vaekit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  type ModelBundle,
  type TrainSettings,
  trainConfig,
} from '../shared/types';
import { modelBundle } from './app-model';
import { Explorer } from './explorer';

beforeAll(async () => {
  tf.env().set('PROD', true); // no 'install tfjs-node' banner
  await tf.setBackend('cpu');
});

/** Weight names and shapes, as a checkpoint (`namedWeights`) holds them. */
function named(model: RunModel): [string, number[]][] {
  const weights = model.namedWeights();
  const out = weights.map((w): [string, number[]] => [w.name, w.tensor.shape]);
  tf.dispose(weights.map((w) => w.tensor));
  return out;
}

/** Weight names and shapes of saved tf.io artifacts (a run directory's model/model.json). */
function specs(artifacts: { weightSpecs?: unknown }): [string, number[]][] {
  return (artifacts.weightSpecs as tf.io.WeightsManifestEntry[]).map((w) => [w.name, w.shape]);
}

/** The artifacts `vaekit train` writes to model/ (its fileIOHandler, here in memory). */
async function saved(model: RunModel): Promise<tf.io.ModelArtifacts> {
  let out: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      out = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return out!;
}

/** What `vaekit eval` does with a run: rebuild the model from config.json, load the weights by name. */
function cliReload(bundle: ModelBundle, data: ModelData): RunModel {
  const config = resolveConfig(bundle.vaekit.config as never);
  const model = createModel(config, data);
  const weights = tf.io.decodeWeights(
    bundle.weightData,
    bundle.artifacts['weightSpecs'] as tf.io.WeightsManifestEntry[],
  );
  model.loadNamedWeights(weights);
  tf.dispose(Object.values(weights));
  return model;
}

const cases: {
  name: string;
  settings: TrainSettings;
  data: ModelData;
  cli: Record<string, unknown>;
}[] = [
  {
    name: 'a BN-VAE on digits',
    settings: { ...DEFAULT_SETTINGS, latent: 'bn', gamma: 0.6, latentDim: 4, hidden: [16] },
    data: { kind: 'image', imageShape: [28, 28] },
    cli: { data: 'mnist', latent: 'bn', gamma: 0.6, latentDim: 4, hidden: [16] },
  },
  {
    name: 'a vMF text VAE',
    settings: {
      ...DEFAULT_SETTINGS,
      task: 'text',
      latent: 'vmf',
      kappa: 30,
      latentDim: 3,
      hidden: [8],
      embedding: 6,
    },
    data: {
      kind: 'text',
      vocabulary: Vocabulary.build([tokenize("`` the cat sat -- on the mat ''")]),
      maxLength: 12,
    },
    cli: { data: 'brown', latent: 'vmf', kappa: 30, latentDim: 3, hidden: [8], embedding: 6 },
  },
];

describe.each(cases)('$name saved by the web app and by the CLI', ({ settings, data, cli }) => {
  it('have the same weight names and shapes, and each side reads the other', async () => {
    const extra =
      data.kind === 'text' ? { maxLength: data.maxLength, vocabSize: data.vocabulary.size } : {};
    const webConfig = trainConfig(settings, extra);
    const web = createModel(webConfig, data); // as the training worker builds it
    const bundle = await modelBundle(web, webConfig); // "Explore this model"
    const cliModel = createModel(resolveConfig({ ...cli, ...extra }), data); // vaekit train
    const cliArtifacts = await saved(cliModel);

    expect(specs(bundle.artifacts)).toEqual(specs(cliArtifacts));
    expect(named(web)).toEqual(named(cliModel));
    expect(bundle.artifacts['modelTopology']).toEqual(cliArtifacts.modelTopology);

    // The explorer reads the CLI's model/ (and the web's export) with loadRunModel.
    const loadData =
      data.kind === 'image' ? { kind: 'image' as const } : { ...data, kind: 'text' as const };
    const fromCli = await loadRunModel(tf.io.fromMemory(cliArtifacts), loadData);
    expect(named(fromCli)).toEqual(named(cliModel));

    // vaekit eval rebuilds the web's model from its config and loads its weights by name.
    const reread = cliReload(bundle, data);
    const z = tf.tidy(() => tf.div(tf.ones([2, web.latentDim]), Math.sqrt(web.latentDim)));
    expect(reread.decodeLatents(z)).toEqual(web.decodeLatents(z));
    tf.dispose([z]);
    for (const m of [web, cliModel, fromCli, reread]) m.dispose();
  });
});

describe('the explorer', () => {
  it('loads a digits model exported by the web app and describes it from the registry', async () => {
    const settings = { ...DEFAULT_SETTINGS, latent: 'bn-su', tau: 0.4, latentDim: 2, hidden: [8] };
    const config = trainConfig(settings);
    const model = createModel(config, { kind: 'image', imageShape: [28, 28] });
    const explorer = new Explorer('http://127.0.0.1/data/');
    const summary = await explorer.load(await modelBundle(model, config), 'test');
    expect(summary).toMatchObject({ kind: 'image', family: 'bn-su', latentDim: 2, imageSide: 28 });
    expect(summary.lines[1]).toBe("Latent: BN-VAE (Su's scaler), d = 2, tau 0.4");
    const samples = explorer.samples(3, 1);
    expect(samples).toMatchObject({ kind: 'image', n: 3, height: 28, width: 28 });
    explorer.dispose();
    model.dispose();
  });
});
