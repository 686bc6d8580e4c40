import { writeFileSync } from 'node:fs';
import { type Decoded, imageGridPng } from '@vaekit/core';
import { zlibDeflate } from '@vaekit/trainer';
import type { CommandContext } from './context';

/**
 * Write decoded examples: images as a PNG grid (`cols` per row) to `out`, sentences to `out`
 * (one per line) or to stdout when `out` is undefined or `-`.
 */
export function writeDecoded(
  decoded: Decoded,
  out: string | undefined,
  cols: number,
  ctx: CommandContext,
  defaultImagePath: string,
): string | undefined {
  if (decoded.length > 0 && typeof decoded[0] === 'string') {
    const text = `${(decoded as string[]).join('\n')}\n`;
    if (out === undefined || out === '-') ctx.stdout.write(text);
    else writeFileSync(out, text);
    return out;
  }
  const path = out ?? defaultImagePath;
  writeFileSync(
    path,
    imageGridPng(decoded as Float32Array[], { cols, scale: 2, compress: zlibDeflate }),
  );
  ctx.stdout.write(`wrote ${path}\n`);
  return path;
}
