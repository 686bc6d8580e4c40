/**
 * A minimal module that uses WebAssembly relaxed SIMD: one function,
 * `(v128, v128, v128) -> v128`, `f32x4.relaxed_madd` of its parameters. Section by section:
 */
const RELAXED_MADD_MODULE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version 1
  ...[0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b], // type: (v128 v128 v128) -> v128
  ...[0x03, 0x02, 0x01, 0x00], // function: one, of that type
  ...[0x0a, 0x0d, 0x01, 0x0b, 0x00], // code: one body of 11 bytes, no locals
  ...[0x20, 0x00, 0x20, 0x01, 0x20, 0x02], // local.get 0, 1, 2
  ...[0xfd, 0x85, 0x02, 0x0b], // f32x4.relaxed_madd (0xfd 0x105), end
]);

/** V8's switch for relaxed SIMD before it was on by default (V8 11.4: Node 22, Chrome 114). */
const V8_FLAG = '--experimental-wasm-relaxed-simd';

let supported: boolean | undefined;

/**
 * Whether this engine runs WebAssembly relaxed SIMD (the fused multiply-add of the `wasm-fma`
 * backend). Node 22+, Chrome/Edge 114+ and Firefox 120+ have it on by default. On Node 20 (V8
 * 11.3), where the implementation is complete but behind V8's `--experimental-wasm-relaxed-simd`,
 * the first call turns that flag on (`v8.setFlagsFromString`, through `process.getBuiltinModule`,
 * Node 20.16+): it only lets modules use the relaxed instructions, nothing else changes. Cached.
 *
 * @example
 * ```ts
 * relaxedSimdSupported(); // true on Node 20.16+ and 22+, Chrome 114+
 * ```
 */
export function relaxedSimdSupported(): boolean {
  if (supported !== undefined) return supported;
  supported = validates();
  if (!supported) {
    const v8 = nodeV8();
    if (v8 !== undefined) {
      v8.setFlagsFromString(V8_FLAG);
      supported = validates();
    }
  }
  return supported;
}

function validates(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_MADD_MODULE);
  } catch {
    return false;
  }
}

/** Node's `v8` module where the runtime can hand it over synchronously, else `undefined`. */
function nodeV8(): { setFlagsFromString(flags: string): void } | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return proc?.getBuiltinModule?.('node:v8') as
      | { setFlagsFromString(flags: string): void }
      | undefined;
  } catch {
    return undefined;
  }
}
