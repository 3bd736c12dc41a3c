/**
 * Recommender dataset manifests (`datasets/recsys/<name>.json`, schema `datasets/recsys/manifest.schema.json`):
 * which files to fetch (source URLs, accepted checksums, optionally the GroupLens zip they come in) and how to load
 * them (`loader`). Reading validates against the schema and reports problems by field.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { InputError, InputErrors } from '../../core/errors.ts';
import type { IntegrityEntry } from '../integrity.ts';

export const recsysManifestDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../datasets/recsys');
export const recsysSchemaPath = resolve(recsysManifestDir, 'manifest.schema.json');

export interface RecsysFile {
  /** path under the cache directory and on mirrors; inside `archive`, the member path */
  name: string;
  urls?: string[];
  integrity: IntegrityEntry[];
  /** name of an archive (in `archives`) that holds this file as member `name` */
  archive?: string;
}

export interface RecsysArchive {
  name: string;
  urls: string[];
  /** accepted checksums of the archive itself; may be empty: members are verified one by one */
  integrity: IntegrityEntry[];
}

export type LoaderSpec =
  | { format: 'monti-mat'; file: string; rowGraph: string | null; colGraph: string | null; trainMask?: string; testMask?: string }
  | { format: 'movielens-100k'; split: string; k: number; sigma: number }
  | { format: 'movielens-1m'; seed: number; testFraction: number; k: number; sigma: number };

export interface RecsysManifest {
  name: string;
  description: string;
  citation?: string;
  licence?: string;
  /** cache subdirectory shared by datasets from the same files */
  collection: string;
  files: RecsysFile[];
  archives?: RecsysArchive[];
  loader: LoaderSpec;
}

let validator: ValidateFunction | undefined;

export function validateRecsysManifest(value: unknown, file: string): RecsysManifest {
  validator ??= new Ajv2020({ allErrors: true, useDefaults: true, strict: false }).compile(
    JSON.parse(readFileSync(recsysSchemaPath, 'utf8')) as Record<string, unknown>,
  );
  if (!validator(value)) {
    throw new InputErrors(
      `${file}: invalid recommender dataset manifest`,
      (validator.errors ?? []).map((e) => new InputError(e.message ?? 'invalid', { file, field: e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(root)' })),
    );
  }
  const m = value as RecsysManifest;
  const archives = new Set((m.archives ?? []).map((a) => a.name));
  m.files.forEach((f, k) => {
    if (f.archive && !archives.has(f.archive)) throw new InputError(`archive '${f.archive}' is not listed in archives`, { file, field: `files.${k}.archive` });
    if (!f.archive && !(f.urls ?? []).length) throw new InputError('a file needs urls or an archive', { file, field: `files.${k}` });
  });
  if (m.loader.format === 'monti-mat' && !m.files.some((f) => f.name === (m.loader as { file: string }).file)) {
    throw new InputError(`loader.file '${m.loader.file}' is not among files`, { file, field: 'loader.file' });
  }
  return m;
}

export function readRecsysManifest(path: string): RecsysManifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError('manifest not found', { file: path });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON: ${(e as Error).message}`, { file: path });
  }
  return validateRecsysManifest(json, path);
}
