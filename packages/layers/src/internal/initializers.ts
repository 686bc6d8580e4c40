import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** A tfjs-layers weight initializer (`tf.initializers.glorotUniform({ seed })`, ...). */
export type Initializer = ReturnType<typeof tfl.initializers.zeros>;

/** The JSON form of an initializer, as tfjs-layers writes it in layer configs. */
export interface SerializedInitializer {
  className: string;
  config: tf.serialization.ConfigDict;
}

/** An initializer, or its serialised form (what a deserialised config holds). */
export type InitializerSpec = Initializer | SerializedInitializer;

/** The JSON form of `init` (`{ className, config }`). */
export function serializeInitializer(init: Initializer): SerializedInitializer {
  return { className: init.getClassName(), config: init.getConfig() };
}

/** Resolve an initializer spec through tfjs's serialization registry; `fallback` when undefined. */
export function resolveInitializer(
  spec: InitializerSpec | undefined,
  fallback: () => Initializer,
): Initializer {
  if (spec === undefined || spec === null) return fallback();
  if (typeof (spec as Initializer).apply === 'function') return spec as Initializer;
  const { className, config } = spec as SerializedInitializer;
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (entry === undefined) throw new Error(`Unknown initializer className '${className}'`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, config ?? {}) as unknown as Initializer;
}
