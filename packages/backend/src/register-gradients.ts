/**
 * tfjs-core registers no gradient functions by itself (the `@tensorflow/tfjs` bundle does, from
 * its own copy of core). Importing this module registers all of tfjs-core's gradients in the
 * global gradient registry, which every copy of tfjs-core shares. The build bundles this one
 * file with the ops it needs, because tfjs-core's `dist/register_all_gradients.js` is an ES
 * module that Node cannot load from a CommonJS package.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
