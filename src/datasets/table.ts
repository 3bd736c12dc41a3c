/**
 * Delimited text tables (csv-parse) and labelled numeric matrices: a header line of column IDs (first cell is
 * the corner and is ignored), then one line per row: its ID, then the values. Every error names the file, line
 * and column (1-based; column = field number).
 */
import { parse } from 'csv-parse/sync';
import { InputError } from '../core/errors.ts';

export type Delimiter = 'auto' | 'tab' | 'comma';

export interface TableRow {
  line: number;
  fields: string[];
}

const DELIMS: Record<Exclude<Delimiter, 'auto'>, string> = { tab: '\t', comma: ',' };

/** The first non-empty line of the text (for delimiter sniffing and hints). */
function firstLine(text: string): string {
  for (const l of text.split(/\r?\n/, 50)) if (l.trim()) return l;
  return '';
}

export function pickDelimiter(text: string, d: Delimiter): string {
  if (d !== 'auto') return DELIMS[d];
  return firstLine(text).includes('\t') ? '\t' : ',';
}

/** Parses text into rows of trimmed fields, skipping blank lines. Throws on an empty file or a CSV syntax error. */
export function readTable(text: string, file: string, delimiter: Delimiter = 'auto'): TableRow[] {
  if (!text.trim()) throw new InputError('file is empty', { file });
  const delim = pickDelimiter(text, delimiter);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter: delim,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
      info: true,
    }) as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const err = e as { message: string; lines?: number; column?: number | string };
    const column = typeof err.column === 'number' ? err.column + 1 : undefined;
    throw new InputError(`cannot parse: ${err.message.replace(/^Invalid .*?: /, '')}`, { file, line: err.lines, column });
  }
  return records.map((r) => ({ line: r.info.lines, fields: r.record }));
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A finite decimal number, or an InputError naming the cell. */
export function parseNumber(s: string, file: string, line: number, column: number): number {
  if (NUMBER.test(s)) {
    const v = Number(s);
    if (Number.isFinite(v)) return v;
  }
  const what = s === '' ? 'empty cell' : /^[+-]?(nan|inf(inity)?)$/i.test(s) ? `'${s}' is not a finite number` : `'${s}' is not a number`;
  throw new InputError(what, { file, line, column });
}

export interface LabelledMatrix {
  file: string;
  rowIds: string[];
  colIds: string[];
  /** line of each row, for error messages */
  rowLines: number[];
  headerLine: number;
  /** column (field number) of each column ID in the header */
  colColumns: number[];
  /** row-major values */
  data: Float64Array;
}

/** Value check applied to every cell (gets the parsed value; returns a problem or null). */
export type CellCheck = (v: number) => string | null;

function delimiterHint(line: string, delim: string): string | undefined {
  const others: [string, string][] = [['\t', 'tab'], [',', 'comma'], [';', 'semicolon'], [' ', 'space']];
  for (const [c, name] of others) {
    if (c !== delim && line.includes(c)) {
      return `the line contains ${name}s but is read with ${delim === '\t' ? 'tabs' : 'commas'}: check "delimiter" in the manifest (tab or comma)`;
    }
  }
  return undefined;
}

/** Parses a labelled matrix; every cell passes `check`. */
export function readLabelledMatrix(text: string, file: string, delimiter: Delimiter, check: CellCheck): LabelledMatrix {
  const rows = readTable(text, file, delimiter);
  const delim = pickDelimiter(text, delimiter);
  const head = rows[0];
  if (rows.length < 2) {
    if (head.fields.length < 2) {
      throw new InputError(`header has ${head.fields.length} field: expected an ID corner cell and column IDs`, {
        file, line: head.line, hint: delimiterHint(firstLine(text), delim),
      });
    }
    throw new InputError('no data rows after the header', { file, line: head.line });
  }
  // the header starts with a corner cell (empty or a label such as "drug"), or it has one field fewer than the rows
  const offset = head.fields[0] === '' || head.fields.length !== rows[1].fields.length - 1 ? 1 : 0;
  if (head.fields.length - offset < 1) {
    throw new InputError(`header has ${head.fields.length} field: expected an ID corner cell and column IDs`, {
      file, line: head.line, hint: delimiterHint(firstLine(text), delim),
    });
  }
  const colIds = head.fields.slice(offset);
  const colColumns = colIds.map((_, j) => j + 1 + offset);
  const seenCol = new Map<string, number>();
  colIds.forEach((id, j) => {
    if (!id) throw new InputError('empty column ID', { file, line: head.line, column: colColumns[j] });
    const prev = seenCol.get(id);
    if (prev !== undefined) {
      throw new InputError(`duplicate column ID '${id}' (also in column ${colColumns[prev]})`, { file, line: head.line, column: colColumns[j] });
    }
    seenCol.set(id, j);
  });
  const n = colIds.length;
  const m = rows.length - 1;
  const data = new Float64Array(m * n);
  const rowIds: string[] = new Array(m);
  const rowLines: number[] = new Array(m);
  const seenRow = new Map<string, number>();
  for (let i = 0; i < m; i++) {
    const { line, fields } = rows[i + 1];
    if (fields.length !== n + 1) {
      throw new InputError(`ragged row: ${fields.length} fields, expected ${n + 1} (an ID and ${n} values)`, {
        file, line, column: fields.length < n + 1 ? fields.length + 1 : n + 2,
        hint: fields.length === 1 ? delimiterHint(fields[0], delim) : undefined,
      });
    }
    const id = fields[0];
    if (!id) throw new InputError('empty row ID', { file, line, column: 1 });
    const prev = seenRow.get(id);
    if (prev !== undefined) throw new InputError(`duplicate row ID '${id}' (also on line ${rowLines[prev]})`, { file, line, column: 1 });
    seenRow.set(id, i);
    rowIds[i] = id;
    rowLines[i] = line;
    const off = i * n;
    for (let j = 0; j < n; j++) {
      const v = parseNumber(fields[j + 1], file, line, j + 2);
      const bad = check(v);
      if (bad) throw new InputError(bad, { file, line, column: j + 2 });
      data[off + j] = v;
    }
  }
  return { file, rowIds, colIds, rowLines, headerLine: head.line, colColumns, data };
}

export const binaryCheck: CellCheck = (v) => (v === 0 || v === 1 ? null : `label ${v} is not binary (0 or 1)`);

export function rangeCheck(min: number, max: number, tol = 1e-9): CellCheck {
  return (v) => (v < min - tol || v > max + tol ? `similarity ${v} is outside the allowed range [${min}, ${max}]` : null);
}
