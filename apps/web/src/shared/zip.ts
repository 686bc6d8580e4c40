/**
 * ZIP archives without a dependency: {@link writeZip} stores files uncompressed (method 0, the
 * weights of a model do not compress anyway), which every unzip tool reads; {@link readZip}
 * reads stored entries and, where the platform has `DecompressionStream('deflate-raw')` (every
 * current browser), deflated ones, so a run directory zipped by another tool loads too.
 * Format: PKWARE APPNOTE 6.3.x, sections 4.3 (local headers, central directory, end record).
 */

export interface ZipEntry {
  /** Path inside the archive, `/`-separated (a folder prefix makes `unzip` create folders). */
  path: string;
  data: Uint8Array;
}

let table: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as ZIP stores it. */
export function crc32(data: Uint8Array): number {
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** MS-DOS date and time of `date` (local time, 2-second resolution), as ZIP headers hold them. */
function dosTime(date: Date): { time: number; date: number } {
  const year = Math.max(1980, date.getFullYear());
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

/**
 * A ZIP archive of `entries`, stored (no compression), names in UTF-8 (flag bit 11). Sizes
 * must stay under 4 GiB (no ZIP64), which a browser-trained model does.
 *
 * @example
 * ```ts
 * const zip = writeZip([{ path: 'run/config.json', data: new TextEncoder().encode('{}') }]);
 * ```
 */
export function writeZip(entries: ZipEntry[], modified: Date = new Date()): Uint8Array {
  const encoder = new TextEncoder();
  const { time, date } = dosTime(modified);
  const names = entries.map((e) => encoder.encode(e.path));
  const local = entries.reduce((n, e, i) => n + 30 + names[i]!.length + e.data.length, 0);
  const central = entries.reduce((n, _e, i) => n + 46 + names[i]!.length, 0);
  const total = local + central + 22;
  if (total > 0xffffffff || entries.length > 0xffff)
    throw new Error('the archive would need ZIP64 (over 4 GiB or 65,535 files)');
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  const u16 = (v: number) => {
    view.setUint16(at, v, true);
    at += 2;
  };
  const u32 = (v: number) => {
    view.setUint32(at, v >>> 0, true);
    at += 4;
  };
  const offsets: number[] = [];
  const crcs = entries.map((e) => crc32(e.data));
  entries.forEach((e, i) => {
    offsets.push(at);
    u32(0x04034b50); // local file header
    u16(20); // version needed: 2.0
    u16(0x0800); // UTF-8 names
    u16(0); // stored
    u16(time);
    u16(date);
    u32(crcs[i]!);
    u32(e.data.length);
    u32(e.data.length);
    u16(names[i]!.length);
    u16(0);
    out.set(names[i]!, at);
    at += names[i]!.length;
    out.set(e.data, at);
    at += e.data.length;
  });
  const centralStart = at;
  entries.forEach((e, i) => {
    u32(0x02014b50); // central directory header
    u16(0x0314); // made by: Unix, 2.0
    u16(20);
    u16(0x0800);
    u16(0);
    u16(time);
    u16(date);
    u32(crcs[i]!);
    u32(e.data.length);
    u32(e.data.length);
    u16(names[i]!.length);
    u16(0); // extra
    u16(0); // comment
    u16(0); // disk
    u16(0); // internal attributes
    u32((0o100644 << 16) >>> 0); // external: a regular file, rw-r--r--
    u32(offsets[i]!);
    out.set(names[i]!, at);
    at += names[i]!.length;
  });
  const centralSize = at - centralStart;
  u32(0x06054b50); // end of central directory
  u16(0);
  u16(0);
  u16(entries.length);
  u16(entries.length);
  u32(centralSize);
  u32(centralStart);
  u16(0);
  return out;
}

async function inflateRaw(data: Uint8Array, path: string): Promise<Uint8Array> {
  const Stream = (globalThis as { DecompressionStream?: typeof DecompressionStream })
    .DecompressionStream;
  if (Stream === undefined)
    throw new Error(`${path} is compressed (deflate) and this browser cannot decompress it`);
  const stream = new Blob([data as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new Stream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The files of a ZIP archive (folders skipped), read through its central directory; each
 * entry's CRC-32 is checked.
 *
 * @throws Error naming the archive problem (not a ZIP, an unsupported compression method, a
 *   damaged entry).
 */
export async function readZip(bytes: Uint8Array, name = 'the archive'): Promise<ZipEntry[]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error(`${name} is not a ZIP archive (no end-of-central-directory record)`);
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const decoder = new TextDecoder();
  const out: ZipEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50)
      throw new Error(`${name} is damaged: its central directory is cut short`);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const compressed = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extra = view.getUint16(at + 30, true);
    const comment = view.getUint16(at + 32, true);
    const offset = view.getUint32(at + 42, true);
    const path = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extra + comment;
    if (path.endsWith('/')) continue;
    if (view.getUint32(offset, true) !== 0x04034b50)
      throw new Error(`${name} is damaged: the entry ${path} is missing`);
    const start =
      offset + 30 + view.getUint16(offset + 26, true) + view.getUint16(offset + 28, true);
    const raw = bytes.subarray(start, start + compressed);
    if (raw.length !== compressed)
      throw new Error(`${name} is damaged: ${path} is cut short (truncated download?)`);
    let data: Uint8Array;
    if (method === 0) data = raw.slice();
    else if (method === 8) data = await inflateRaw(raw, path);
    else
      throw new Error(
        `${path} in ${name} uses compression method ${method}; only stored and deflated entries are read`,
      );
    if (data.length !== size || crc32(data) !== crc)
      throw new Error(`${name} is damaged: ${path} does not match its CRC-32`);
    out.push({ path, data });
  }
  return out;
}
