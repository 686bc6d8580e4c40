import type * as tfl from '@tensorflow/tfjs-layers';

/** The base arguments of every tfjs-layers layer (`name`, `trainable`, `inputShape`, ...). */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

/** tfjs-layers' loosely typed keyword arguments of `Layer.call`. */
// biome-ignore lint/suspicious/noExplicitAny: mirrors tfjs-layers' own Kwargs type.
export type Kwargs = { [key: string]: any };

/** A layer input or output shape, `null` for an unknown dimension. */
export type Shape = (number | null)[];
