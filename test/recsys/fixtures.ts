/** Test fixtures: MATLAB v7.3 files (h5wasm + 512-byte MATLAB user block), zip archives, MovieLens-format text. */
import h5wasm from 'h5wasm/node';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import type { Mat } from '../../src/core/matrix.ts';
import { crc32 } from '../../src/datasets/recsys/unzip.ts';
import { Rng } from '../../src/core/rng.ts';

export type MatVar = Mat | { sparse: Mat };

/** MATLAB's 128-byte text header + version/endianness, padded with zeros to the 512-byte user block. */
function matlabUserBlock(): Buffer {
  const ub = Buffer.alloc(512);
  const text = 'MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024 HDF5 schema 1.00 .';
  ub.fill(0x20, 0, 116);
  ub.write(text, 0, 'ascii');
  ub.writeUInt16LE(0x0200, 124);
  ub.write('IM', 126, 'ascii');
  return ub;
}

/** Writes variables the way MATLAB -v7.3 does: dense column-major (HDF5 shape reversed), sparse as CSC groups. */
export async function writeMatFile(path: string, vars: Record<string, MatVar>): Promise<void> {
  await h5wasm.ready;
  const plain = `${path}.plain.h5`;
  const f = new h5wasm.File(plain, 'w');
  for (const [name, v] of Object.entries(vars)) {
    if ('sparse' in v) {
      const m = v.sparse;
      const data: number[] = [];
      const ir: bigint[] = [];
      const jc: bigint[] = [0n];
      for (let j = 0; j < m.cols; j++) {
        for (let i = 0; i < m.rows; i++) {
          const x = m.data[i * m.cols + j];
          if (x !== 0) {
            data.push(x);
            ir.push(BigInt(i));
          }
        }
        jc.push(BigInt(data.length));
      }
      const g = f.create_group(name);
      g.create_attribute('MATLAB_class', 'double');
      g.create_attribute('MATLAB_sparse', new BigUint64Array([BigInt(m.rows)]), [], '<Q');
      g.create_dataset({ name: 'data', data: new Float64Array(data) });
      g.create_dataset({ name: 'ir', data: new BigUint64Array(ir) });
      g.create_dataset({ name: 'jc', data: new BigUint64Array(jc) });
    } else {
      const cm = new Float64Array(v.rows * v.cols);
      for (let i = 0; i < v.rows; i++) for (let j = 0; j < v.cols; j++) cm[j * v.rows + i] = v.data[i * v.cols + j];
      const d = f.create_dataset({ name, data: cm, shape: [v.cols, v.rows], chunks: [v.cols, v.rows], compression: 3 });
      d.create_attribute('MATLAB_class', 'double');
    }
  }
  f.close();
  writeFileSync(path, Buffer.concat([matlabUserBlock(), readFileSync(plain)]));
  rmSync(plain);
}

/** A zip archive with deflated members. */
export function makeZip(files: Record<string, string | Uint8Array>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? Buffer.from(content, 'latin1') : Buffer.from(content);
    const comp = deflateRawSync(data);
    const nameBuf = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(8, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(comp.length, 18);
    lh.writeUInt32LE(data.length, 22);
    lh.writeUInt16LE(nameBuf.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(comp.length, 20);
    ch.writeUInt32LE(data.length, 24);
    ch.writeUInt16LE(nameBuf.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, nameBuf, comp);
    central.push(ch, nameBuf);
    offset += 30 + nameBuf.length + comp.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** ML-1M-format files: `nUsers` users, `nMovies` movies (some never rated), about `perUser` ratings each. */
export function ml1mFixture(nUsers: number, nMovies: number, perUser: number, seed: number): { ratings: string; users: string; movies: string; nRatings: number; rated: number } {
  const rng = new Rng(seed);
  const genres = ['Action', 'Comedy', 'Drama', "Children's", 'Sci-Fi'];
  const ages = [1, 18, 25, 35, 45, 50, 56];
  const users = Array.from({ length: nUsers }, (_, u) => `${u + 1}::${rng.next() < 0.5 ? 'F' : 'M'}::${ages[rng.int(ages.length)]}::${rng.int(21)}::${10000 + u}`).join('\n') + '\n';
  // movie ids are not dense: id = 2k + 1
  const movies = Array.from({ length: nMovies }, (_, m) => `${2 * m + 1}::Movie ${m} (199${m % 10})::${genres.filter(() => rng.next() < 0.4).concat(genres[m % genres.length]).filter((g, i, a) => a.indexOf(g) === i).join('|')}`).join('\n') + '\n';
  const lines: string[] = [];
  const ratedSet = new Set<number>();
  for (let u = 0; u < nUsers; u++) {
    // the last movie is never rated
    const perm = rng.permutation(nMovies - 1).slice(0, perUser);
    for (const m of perm) {
      lines.push(`${u + 1}::${2 * m + 1}::${1 + rng.int(5)}::${978300000 + lines.length}`);
      ratedSet.add(m);
    }
  }
  return { ratings: lines.join('\n') + '\n', users, movies, nRatings: lines.length, rated: ratedSet.size };
}
