/** Result records: schema validation, safe reading (a truncated or foreign file is never taken as valid), writing. */
import { readFileSync, existsSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import fg from 'fast-glob';
import { writeFileAtomic } from '../core/atomic.ts';
import { compileSchema } from '../config/ajv.ts';
import type { ValidateFunction } from '../config/ajv.ts';
import type { TaskRecord } from './record.ts';

const schemaPath = resolve(dirname(fileURLToPath(import.meta.url)), '../../schemas/result.schema.json');
let validator: ValidateFunction | undefined;

function validate(): ValidateFunction {
  validator ??= compileSchema(JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>);
  return validator;
}

/** Problems with a record object (empty = valid). */
export function recordProblems(value: unknown): string[] {
  const v = validate();
  if (v(value)) return [];
  return (v.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`);
}

/** Read a record; null when missing, unparsable, schema-invalid or (if given) with another key. */
export function readRecord(path: string, expectKey?: string): TaskRecord | null {
  if (!existsSync(path)) return null;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
  if (recordProblems(value).length) return null;
  const rec = value as TaskRecord;
  if (expectKey !== undefined && rec.key !== expectKey) return null;
  return rec;
}

export async function writeRecord(path: string, rec: TaskRecord): Promise<void> {
  const problems = recordProblems(rec);
  if (problems.length) throw new Error(`refusing to write an invalid record ${path}: ${problems.join('; ')}`);
  await writeFileAtomic(path, JSON.stringify(rec, null, 2) + '\n');
}

/**
 * The valid task records of an output directory: every file matching `pattern` (a glob relative to `outdir`,
 * default all of `records/`). Invalid files are skipped, or with `strict` an error naming the file.
 */
export async function readRecordsIn(outdir: string, pattern = 'records/**/*.json', opts: { strict?: boolean } = {}): Promise<TaskRecord[]> {
  const out: TaskRecord[] = [];
  for (const f of await fg(pattern, { cwd: outdir, absolute: true })) {
    const r = readRecord(f);
    if (r) out.push(r);
    else if (opts.strict) throw new Error(`${f}: not a valid task record`);
  }
  return out;
}
