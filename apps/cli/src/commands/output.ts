import { statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { type Decoded, imageGridPng } from '@vaekit/core';
import { zlibDeflate } from '@vaekit/trainer';
import { writeFileAtomic } from '@vaekit/trainer/internal';
import { UsageError } from '../flags';
import type { CommandContext } from './context';

/** What a command writes: a PNG image grid, sentences (one per line), or latent codes. */
export type OutputKind = 'image' | 'text' | 'codes';

/** The file name extensions `--out` may have for each kind of output. */
export const OUTPUT_EXTENSIONS: Readonly<Record<OutputKind, readonly string[]>> = {
  image: ['.png'],
  text: ['.txt'],
  codes: ['.json', '.csv'],
};

const WHAT: Record<OutputKind, string> = {
  image: 'image runs write a PNG image grid',
  text: 'text runs write sentences as text',
  codes: 'latent codes are written as JSON or CSV',
};

/**
 * Check an `--out` value before any work is done, and throw a {@link UsageError} naming the flag
 * and what it accepts when it cannot be honoured:
 * - `-` (standard output) is for text and codes only, never a PNG;
 * - the file name must end in an extension of one of `kinds` (all the kinds the command may
 *   write: before a run is opened that can be both `image` and `text`);
 * - its directory must exist, and it must not be a directory itself.
 */
export function checkOut(out: string | undefined, kinds: readonly OutputKind[]): void {
  if (out === undefined) return;
  const bad = (problem: string): never => {
    throw new UsageError(`invalid value '${out}' for '--out': ${problem}`);
  };
  const expected = () => {
    const files = kinds
      .map(
        (k) =>
          `${OUTPUT_EXTENSIONS[k].join(' or ')}${kinds.length > 1 ? ` (${k === 'image' ? 'image' : 'text'} runs)` : ''}`,
      )
      .join(', or ');
    const stdout = kinds.some((k) => k !== 'image')
      ? `, or '-' for standard output${kinds.includes('image') ? ' (text runs only)' : ''}`
      : '';
    return `expected a file name ending in ${files}${stdout}`;
  };
  if (out === '-') {
    if (kinds.some((k) => k !== 'image')) return;
    bad(`cannot write a PNG image to standard output; ${expected()}`);
  }
  let isDirectory = false;
  try {
    isDirectory = statSync(out).isDirectory();
  } catch {
    // A new file: its directory must exist.
    let parent: ReturnType<typeof statSync> | undefined;
    try {
      parent = statSync(dirname(resolve(out)));
    } catch {
      parent = undefined;
    }
    if (!parent?.isDirectory()) bad(`directory ${dirname(out)} does not exist`);
  }
  if (isDirectory) bad(`is a directory; ${expected()}`);
  const extension = extname(out).toLowerCase();
  if (!kinds.some((k) => OUTPUT_EXTENSIONS[k].includes(extension))) {
    const other = (Object.keys(OUTPUT_EXTENSIONS) as OutputKind[]).find((k) =>
      OUTPUT_EXTENSIONS[k].includes(extension),
    );
    const why = kinds.length === 1 && other !== undefined ? `${WHAT[kinds[0]!]}; ` : '';
    bad(`${why}${expected()}`);
  }
}

/**
 * Write a whole output: to standard output when `out` is `-` (text and codes only, see
 * {@link checkOut}), else to the file through a temporary file and a rename, so a failure never
 * leaves a partial file and an existing file is replaced only by a complete one.
 */
export function writeOutput(out: string, data: string | Uint8Array, ctx: CommandContext): void {
  if (out !== '-') writeFileAtomic(out, data);
  else if (typeof data === 'string') ctx.stdout.write(data);
  else throw new UsageError("cannot write binary data to standard output ('--out -')");
}

/**
 * Write decoded examples: images as a PNG grid (`cols` per row) to `out` (default
 * `defaultImagePath`), sentences (one per line) to `out`, or to stdout when `out` is undefined or
 * `-`. `out` must have passed {@link checkOut} for the decoded kind.
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
    writeOutput(out ?? '-', text, ctx);
    if (out !== undefined && out !== '-') ctx.stdout.write(`wrote ${out}\n`);
    return out;
  }
  const path = out ?? defaultImagePath;
  writeOutput(
    path,
    imageGridPng(decoded as Float32Array[], { cols, scale: 2, compress: zlibDeflate }),
    ctx,
  );
  ctx.stdout.write(`wrote ${path}\n`);
  return path;
}
