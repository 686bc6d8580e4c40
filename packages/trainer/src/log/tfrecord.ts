import { crc32c } from '@aws-crypto/crc32c';

/** The constant TensorFlow adds to a rotated CRC32C ({@link maskCrc32c}). */
const MASK_DELTA = 0xa282ead8;

/**
 * The masked CRC32C that TFRecord files store: the CRC32C (Castagnoli polynomial, computed by
 * `@aws-crypto/crc32c`) rotated right by 15 bits plus `0xa282ead8`, modulo 2^32.
 *
 * `mask(c) = ((c >>> 15) | (c << 17)) + 0xa282ead8 mod 2^32`: masking keeps a CRC of bytes
 * that themselves contain CRCs from being degenerate (TensorFlow's `crc32c::Mask`).
 *
 * @example
 * ```ts
 * maskedCrc32c(new TextEncoder().encode('123456789')); // mask(0xe3069283)
 * ```
 */
export function maskedCrc32c(bytes: Uint8Array): number {
  return maskCrc32c(crc32c(bytes));
}

/**
 * Masks a CRC32C the way TFRecord files store it (see {@link maskedCrc32c}).
 *
 * @example
 * ```ts
 * maskCrc32c(0xe3069283); // the masked CRC of "123456789"
 * ```
 */
export function maskCrc32c(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/**
 * One TFRecord: the data's length as a little-endian uint64, the masked CRC32C of those 8
 * bytes, the data, and the masked CRC32C of the data (all integers little-endian). TensorFlow's
 * record format, which TensorBoard's event files use.
 *
 * @example
 * ```ts
 * fs.appendFileSync('events.out.tfevents.1700000000.host', encodeTFRecord(eventBytes));
 * ```
 */
export function encodeTFRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 16);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/**
 * Reads the records of a TFRecord file, checking both CRCs of each.
 *
 * @throws Error naming the record and its byte offset when a length or data CRC does not
 *   match, or when the bytes end inside a record (a file cut short).
 *
 * @example
 * ```ts
 * for (const data of readTFRecords(fs.readFileSync(file))) console.log(data.length);
 * ```
 */
export function readTFRecords(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const where = `record ${records.length} (byte ${offset})`;
    if (offset + 12 > bytes.length) throw new Error(`${where}: the file ends inside its header`);
    const length = view.getBigUint64(offset, true);
    if (view.getUint32(offset + 8, true) !== maskedCrc32c(bytes.subarray(offset, offset + 8))) {
      throw new Error(`${where}: the CRC of its length does not match`);
    }
    if (length > BigInt(bytes.length - offset - 16)) {
      throw new Error(`${where}: the file ends inside its ${length} data bytes`);
    }
    const start = offset + 12;
    const data = bytes.subarray(start, start + Number(length));
    if (view.getUint32(start + data.length, true) !== maskedCrc32c(data)) {
      throw new Error(`${where}: the CRC of its data does not match`);
    }
    records.push(data);
    offset = start + data.length + 4;
  }
  return records;
}
