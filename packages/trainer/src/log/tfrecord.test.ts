import { crc32c } from '@aws-crypto/crc32c';
import { describe, expect, it } from 'vitest';
import { encodeTFRecord, maskCrc32c, maskedCrc32c, readTFRecords } from './tfrecord';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('CRC32C', () => {
  it('matches the standard check values', () => {
    // The CRC catalogue's check value of CRC-32C, and RFC 3720 (iSCSI) B.4's 32 zero bytes.
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
  });

  it('masks as TensorFlow does: rotate right by 15, add 0xa282ead8', () => {
    // ((0xe3069283 >>> 15) | (0xe3069283 << 17)) + 0xa282ead8 mod 2^32, worked out by hand.
    expect(maskCrc32c(0xe3069283)).toBe(0xc78ab0e5);
    expect(maskedCrc32c(ascii('123456789'))).toBe(0xc78ab0e5);
    expect(maskCrc32c(0)).toBe(0xa282ead8);
    // The carry out of bit 31 is dropped.
    expect(maskCrc32c(0xffffffff)).toBe(0xa282ead7);
  });
});

describe('TFRecord', () => {
  it('lays out length, masked length CRC, data, masked data CRC', () => {
    const data = ascii('hello');
    const record = encodeTFRecord(data);
    expect(record.length).toBe(5 + 16);
    const view = new DataView(record.buffer);
    expect(view.getBigUint64(0, true)).toBe(5n);
    expect(view.getUint32(8, true)).toBe(maskedCrc32c(record.subarray(0, 8)));
    expect(Array.from(record.subarray(12, 17))).toEqual(Array.from(data));
    expect(view.getUint32(17, true)).toBe(maskCrc32c(crc32c(data)));
  });

  it('reads back what it wrote, empty records included', () => {
    const payloads = [ascii('a'), new Uint8Array(0), new Uint8Array(1000).map((_, i) => i)];
    const file = Buffer.concat(payloads.map(encodeTFRecord));
    expect(readTFRecords(file).map((r) => Array.from(r))).toEqual(
      payloads.map((p) => Array.from(p)),
    );
  });

  it('fails on any corrupted byte, naming the record', () => {
    const file = Buffer.concat([encodeTFRecord(ascii('first')), encodeTFRecord(ascii('second'))]);
    const second = 5 + 16;
    for (let i = 0; i < file.length; i++) {
      const bad = Buffer.from(file);
      bad[i]! ^= 0x10;
      const record = i < second ? 0 : 1;
      expect(() => readTFRecords(bad), `byte ${i}`).toThrow(
        new RegExp(`^record ${record} \\(byte ${record === 0 ? 0 : second}\\): `),
      );
    }
    expect(() => readTFRecords(withByte(file, 3, 0x01))).toThrow(/CRC of its length/);
    expect(() => readTFRecords(withByte(file, 14, 0x01))).toThrow(/CRC of its data/);
  });

  it('fails on a file cut short', () => {
    const file = Buffer.concat([encodeTFRecord(ascii('first')), encodeTFRecord(ascii('second'))]);
    expect(() => readTFRecords(file.subarray(0, file.length - 1))).toThrow(
      /record 1 \(byte 21\): the file ends inside its 6 data bytes/,
    );
    expect(() => readTFRecords(file.subarray(0, 25))).toThrow(/ends inside its header/);
  });
});

function withByte(bytes: Uint8Array, index: number, xor: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[index]! ^= xor;
  return out;
}
