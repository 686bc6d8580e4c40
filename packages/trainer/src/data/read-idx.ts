import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** IDX element types, by their type byte: `0x08` ubyte ... `0x0e` double. */
export type IdxType = 'ubyte' | 'byte' | 'short' | 'int' | 'float' | 'double';

/** The typed array an {@link IdxType} decodes to. */
export type IdxData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** A parsed IDX file: element type, dimensions (outermost first) and row-major data. */
export interface IdxArray {
  type: IdxType;
  /** Dimension sizes, outermost first, e.g. `[60000, 28, 28]` for MNIST training images. */
  dims: number[];
  /** `dims.reduce(*)` elements, row-major; for `ubyte` a view into the decoded file bytes. */
  data: IdxData;
}

/** Options of {@link readIdx}. */
export interface ReadIdxOptions {
  /** Name used in error messages; defaults to the file's base name, or `'IDX buffer'`. */
  name?: string;
  /**
   * Checks the header against an expected type and rank (e.g. `{ type: 'ubyte', rank: 3,
   * what: 'images' }`) and names them in the error when they differ.
   */
  expect?: { type?: IdxType; rank?: number; what?: string };
}

const TYPES: Record<number, { type: IdxType; bytes: number }> = {
  8: { type: 'ubyte', bytes: 1 },
  9: { type: 'byte', bytes: 1 },
  11: { type: 'short', bytes: 2 },
  12: { type: 'int', bytes: 4 },
  13: { type: 'float', bytes: 4 },
  14: { type: 'double', bytes: 8 },
};
const TYPE_CODES: Record<IdxType, number> = {
  ubyte: 0x08,
  byte: 0x09,
  short: 0x0b,
  int: 0x0c,
  float: 0x0d,
  double: 0x0e,
};

const hex32 = (x: number) => '0x' + (x >>> 0).toString(16).padStart(8, '0');

/**
 * Whether `bytes` starts with the gzip magic `1f 8b` (RFC 1952).
 *
 * @example
 * ```ts
 * isGzip(fs.readFileSync('train-images-idx3-ubyte.gz')); // true
 * ```
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parses an IDX file (the format of MNIST, Fashion-MNIST, EMNIST, KMNIST; LeCun et al.,
 * "Gradient-based learning applied to document recognition", 1998), plain or gzip-compressed
 * (detected by the `1f 8b` magic, decompressed with `node:zlib`).
 *
 * Layout: a 4-byte magic `0x00 0x00 <type> <rank>` (type `0x08` ubyte, `0x09` byte, `0x0b`
 * short, `0x0c` int, `0x0d` float, `0x0e` double), then `rank` big-endian uint32 dimension
 * sizes, then `prod(dims)` big-endian elements, row-major. The byte count must match exactly.
 *
 * @param input a file path, or the file's bytes.
 * @returns the element type, dimensions and data (for `ubyte`, a view into the decoded bytes).
 * @throws Error naming the file and the problem: not an IDX file (wrong magic, naming the
 *   expected one), unknown type code, truncated header or data, trailing bytes, corrupt gzip.
 *
 * @example
 * ```ts
 * const images = readIdx('data/train-images-idx3-ubyte.gz', {
 *   expect: { type: 'ubyte', rank: 3, what: 'images' },
 * });
 * images.dims; // [60000, 28, 28]
 * ```
 */
export function readIdx(input: string | Uint8Array, options: ReadIdxOptions = {}): IdxArray {
  const name = options.name ?? (typeof input === 'string' ? basename(input) : 'IDX buffer');
  let bytes: Uint8Array;
  if (typeof input === 'string') {
    try {
      bytes = readFileSync(input);
    } catch (e) {
      throw new Error(`${name}: cannot read IDX file ${input} (${(e as Error).message})`);
    }
  } else if (input instanceof Uint8Array) {
    bytes = input;
  } else {
    throw new Error(`readIdx: input must be a file path or a Uint8Array, got ${typeof input}`);
  }
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new Error(`${name}: corrupt gzip data (${(e as Error).message})`);
    }
  }
  const expect = options.expect;
  const expected =
    expect?.type !== undefined && expect.rank !== undefined
      ? `expected ${hex32((TYPE_CODES[expect.type] << 8) | expect.rank)}` +
        (expect.what ? ` for ${expect.what}` : '')
      : 'expected 0x0000 then a type byte 0x08-0x0e and a rank byte';
  if (bytes.length < 4) {
    throw new Error(`${name}: not an IDX file (${bytes.length} bytes, too short for the magic)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const typeInfo = TYPES[bytes[2]!];
  const rank = bytes[3]!;
  if (bytes[0] !== 0 || bytes[1] !== 0 || typeInfo === undefined) {
    throw new Error(`${name}: not an IDX file (magic ${hex32(magic)}, ${expected})`);
  }
  if (
    (expect?.type !== undefined && typeInfo.type !== expect.type) ||
    (expect?.rank !== undefined && rank !== expect.rank)
  ) {
    throw new Error(
      `${name}: unexpected IDX header (magic ${hex32(magic)}: ${typeInfo.type}, rank ${rank}; ` +
        `${expected})`,
    );
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new Error(
      `${name}: truncated IDX header (rank ${rank} needs ${headerBytes} bytes, file has ${bytes.length})`,
    );
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const need = count * typeInfo.bytes;
  const have = bytes.length - headerBytes;
  if (have !== need) {
    throw new Error(
      `${name}: dims ${dims.join('x')} need ${need} bytes of ${typeInfo.type} data, file has ` +
        `${have} (${have < need ? 'truncated' : 'trailing bytes'})`,
    );
  }
  return { type: typeInfo.type, dims, data: decode(view, headerBytes, count, typeInfo.type) };
}

function decode(view: DataView, offset: number, count: number, type: IdxType): IdxData {
  const base = view.byteOffset + offset;
  switch (type) {
    case 'ubyte':
      return new Uint8Array(view.buffer, base, count);
    case 'byte':
      return new Int8Array(view.buffer, base, count);
    case 'short': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'double': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/**
 * Encodes an array in the IDX format (big-endian), the inverse of {@link readIdx}: handy for
 * writing fixtures and exporting data sets.
 *
 * @example
 * ```ts
 * const bytes = encodeIdx({ type: 'ubyte', dims: [2, 2, 2], data: new Uint8Array(8) });
 * fs.writeFileSync('tiny-images-idx3-ubyte', bytes);
 * ```
 */
export function encodeIdx(array: IdxArray): Uint8Array {
  const { type, dims, data } = array;
  const code = TYPE_CODES[type];
  if (code === undefined)
    throw new Error(
      `encodeIdx: type must be one of ${Object.keys(TYPE_CODES).join(', ')}, got ${type}`,
    );
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw new Error(
      `encodeIdx: dims ${dims.join('x')} need ${count} elements, data has ${data.length}`,
    );
  }
  const size = TYPES[code]!.bytes;
  const out = new Uint8Array(4 + 4 * dims.length + count * size);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = dims.length;
  for (const [i, d] of dims.entries()) view.setUint32(4 + 4 * i, d, false);
  const off = 4 + 4 * dims.length;
  for (let i = 0; i < count; i++) {
    const v = data[i]!;
    const p = off + i * size;
    if (type === 'ubyte') view.setUint8(p, v);
    else if (type === 'byte') view.setInt8(p, v);
    else if (type === 'short') view.setInt16(p, v, false);
    else if (type === 'int') view.setInt32(p, v, false);
    else if (type === 'float') view.setFloat32(p, v, false);
    else view.setFloat64(p, v, false);
  }
  return out;
}
