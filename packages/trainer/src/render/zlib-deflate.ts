import { deflateSync } from 'node:zlib';

/**
 * A zlib (RFC 1950) compressor at the best level, for `encodePng`/`imageGridPng` of
 * `@vaekit/core` in Node: the browser-safe default stores PNG data uncompressed.
 *
 * @example
 * ```ts
 * writeFileSync('samples.png', imageGridPng(images, { cols: 8, compress: zlibDeflate }));
 * ```
 */
export function zlibDeflate(raw: Uint8Array): Uint8Array {
  return deflateSync(raw, { level: 9 });
}
