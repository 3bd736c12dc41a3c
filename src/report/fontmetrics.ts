/**
 * Text widths from a TrueType font's advance widths (tables head, hhea, hmtx, cmap format 4), so that Vega lays out
 * labels for the font resvg will draw with, instead of its crude 0.8 em-per-character estimate (no canvas in Node).
 * Kerning is ignored. Pure parsing of a byte buffer.
 */
export interface FontWidths {
  /** advance width of one code point, in em */
  advance(codePoint: number): number;
  /** width of a string at a font size, in px */
  width(text: string, fontSize: number): number;
}

export function parseFontWidths(buf: Uint8Array): FontWidths {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const numTables = dv.getUint16(4);
  const tables = new Map<string, number>();
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    const tag = String.fromCharCode(buf[rec], buf[rec + 1], buf[rec + 2], buf[rec + 3]);
    tables.set(tag, dv.getUint32(rec + 8));
  }
  const need = (t: string): number => {
    const o = tables.get(t);
    if (o === undefined) throw new RangeError(`font has no '${t}' table`);
    return o;
  };
  const unitsPerEm = dv.getUint16(need('head') + 18);
  const numberOfHMetrics = dv.getUint16(need('hhea') + 34);
  const hmtx = need('hmtx');
  const advanceOfGlyph = (g: number): number => dv.getUint16(hmtx + 4 * Math.min(g, numberOfHMetrics - 1));
  // cmap: pick the Windows Unicode BMP (3,1) or Unicode (0,*) format-4 subtable
  const cmap = need('cmap');
  const n = dv.getUint16(cmap + 2);
  let sub = -1;
  for (let i = 0; i < n; i++) {
    const platform = dv.getUint16(cmap + 4 + 8 * i);
    const encoding = dv.getUint16(cmap + 6 + 8 * i);
    const off = cmap + dv.getUint32(cmap + 8 + 8 * i);
    if (dv.getUint16(off) === 4 && ((platform === 3 && encoding === 1) || platform === 0)) {
      sub = off;
      if (platform === 3) break;
    }
  }
  if (sub < 0) throw new RangeError('font has no format-4 cmap subtable');
  const segX2 = dv.getUint16(sub + 6);
  const ends = sub + 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const rangeOffsets = deltas + segX2;
  const glyphOf = (cp: number): number => {
    if (cp > 0xffff) return 0;
    for (let s = 0; s < segX2 / 2; s++) {
      const end = dv.getUint16(ends + 2 * s);
      if (cp > end) continue;
      const start = dv.getUint16(starts + 2 * s);
      if (cp < start) return 0;
      const delta = dv.getInt16(deltas + 2 * s);
      const ro = dv.getUint16(rangeOffsets + 2 * s);
      if (ro === 0) return (cp + delta) & 0xffff;
      const g = dv.getUint16(rangeOffsets + 2 * s + ro + 2 * (cp - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
  const cache = new Map<number, number>();
  const advance = (cp: number): number => {
    let w = cache.get(cp);
    if (w === undefined) {
      w = advanceOfGlyph(glyphOf(cp)) / unitsPerEm;
      cache.set(cp, w);
    }
    return w;
  };
  return {
    advance,
    width(text: string, fontSize: number): number {
      let em = 0;
      for (const ch of text) em += advance(ch.codePointAt(0)!);
      return em * fontSize;
    },
  };
}
