/**
 * Minimal ZIP reader for the GroupLens archives: reads the central directory, inflates members stored (method 0)
 * or deflated (method 8) with Node's zlib, and checks each member's CRC-32 and size. No ZIP64, no encryption
 * (the MovieLens zips need neither).
 */
import { inflateRawSync } from 'node:zlib';
import { InputError } from '../../core/errors.ts';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  localOffset: number;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Lists the members of a zip archive (central directory order). */
export function zipEntries(zip: Uint8Array, file = 'zip'): ZipEntry[] {
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = -1;
  for (let p = zip.length - 22; p >= Math.max(0, zip.length - 22 - 65535); p--) {
    if (dv.getUint32(p, true) === 0x06054b50) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) throw new InputError('not a zip archive (no end-of-central-directory record)', { file });
  const count = dv.getUint16(eocd + 10, true);
  let p = dv.getUint32(eocd + 16, true);
  if (count === 0xffff || p === 0xffffffff) throw new InputError('ZIP64 archives are not supported', { file });
  const out: ZipEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (p + 46 > zip.length || dv.getUint32(p, true) !== 0x02014b50) throw new InputError(`corrupt central directory at entry ${k}`, { file });
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    out.push({
      method: dv.getUint16(p + 10, true),
      crc32: dv.getUint32(p + 16, true),
      compressedSize: dv.getUint32(p + 20, true),
      size: dv.getUint32(p + 24, true),
      localOffset: dv.getUint32(p + 42, true),
      name: new TextDecoder().decode(zip.subarray(p + 46, p + 46 + nameLen)),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Bytes of one member, CRC- and size-checked. */
export function zipRead(zip: Uint8Array, entry: ZipEntry, file = 'zip'): Uint8Array {
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const p = entry.localOffset;
  if (p + 30 > zip.length || dv.getUint32(p, true) !== 0x04034b50) throw new InputError(`corrupt local header of ${entry.name}`, { file });
  const start = p + 30 + dv.getUint16(p + 26, true) + dv.getUint16(p + 28, true);
  const raw = zip.subarray(start, start + entry.compressedSize);
  if (raw.length !== entry.compressedSize) throw new InputError(`truncated member ${entry.name}`, { file });
  let data: Uint8Array;
  if (entry.method === 0) data = raw;
  else if (entry.method === 8) {
    try {
      data = new Uint8Array(inflateRawSync(raw));
    } catch (e) {
      throw new InputError(`cannot inflate ${entry.name}: ${(e as Error).message}`, { file });
    }
  } else throw new InputError(`member ${entry.name} uses unsupported compression method ${entry.method}`, { file });
  if (data.length !== entry.size || crc32(data) !== entry.crc32) throw new InputError(`member ${entry.name} fails its CRC/size check`, { file });
  return data;
}

/** Extracts the named members (exact paths inside the archive); a missing member is an InputError. */
export function unzipMembers(zip: Uint8Array, names: string[], file = 'zip'): Map<string, Uint8Array> {
  const entries = new Map(zipEntries(zip, file).map((e) => [e.name, e]));
  const out = new Map<string, Uint8Array>();
  for (const n of names) {
    const e = entries.get(n);
    if (!e) throw new InputError(`member ${n} not in the archive`, { file, hint: `members: ${[...entries.keys()].slice(0, 12).join(', ')}` });
    out.set(n, zipRead(zip, e, file));
  }
  return out;
}
