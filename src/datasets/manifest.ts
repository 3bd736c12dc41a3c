/**
 * Dataset manifests (schemas/dataset-manifest.schema.json): reading, schema validation (defaults filled in by
 * the schema), and resolution of file paths, which are relative to the manifest and may not leave its directory.
 */
import { readFileSync, realpathSync, existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { InputError, InputErrors } from '../core/errors.ts';
import type { IntegrityEntry } from './integrity.ts';
import type { Delimiter } from './table.ts';

export const repoDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const manifestSchemaPath = resolve(repoDir, 'schemas/dataset-manifest.schema.json');

export type FileRole = 'interactions' | 'drugSimilarity' | 'targetSimilarity';
export const ROLES: readonly FileRole[] = ['interactions', 'drugSimilarity', 'targetSimilarity'];

interface FileCommon {
  path: string;
  delimiter: Delimiter;
  urls?: string[];
  integrity?: (IntegrityEntry & { note?: string })[];
}

export interface InteractionsFile extends FileCommon {
  format: 'matrix' | 'edges';
  orientation: 'drugs-x-targets' | 'targets-x-drugs';
  header: boolean;
}

export interface SimilarityFile extends FileCommon {
  range: [number, number];
}

export interface Manifest {
  name: string;
  kind: 'published' | 'user';
  description?: string;
  citation?: string;
  collection?: string;
  files: { interactions: InteractionsFile; drugSimilarity: SimilarityFile; targetSimilarity: SimilarityFile };
}

/** A validated manifest with absolute, checked file paths. */
export interface ResolvedManifest {
  manifest: Manifest;
  /** absolute path of the manifest file */
  file: string;
  dir: string;
  paths: Record<FileRole, string>;
}

let validator: ValidateFunction | undefined;

function validate(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(manifestSchemaPath, 'utf8')) as Record<string, unknown>;
    validator = new Ajv2020({ allErrors: true, useDefaults: true, strict: false }).compile(schema);
  }
  return validator as ValidateFunction;
}

/** Dotted field path from an Ajv instance path: /files/interactions/path -> files.interactions.path. */
const field = (instancePath: string, extra?: string): string =>
  [...instancePath.split('/').filter(Boolean), ...(extra ? [extra] : [])]
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i ? `.${p}` : p))
    .join('') || '(root)';

function explain(e: ErrorObject, file: string): InputError {
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      return new InputError(`unknown key '${key}'`, { file, field: field(e.instancePath, key), hint: 'see schemas/dataset-manifest.schema.json' });
    }
    case 'required':
      return new InputError('is required', { file, field: field(e.instancePath, (e.params as { missingProperty: string }).missingProperty) });
    case 'enum':
      return new InputError(
        `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(e.data)}`,
        { file, field: field(e.instancePath) },
      );
    case 'false schema':
      return new InputError(`is not allowed here`, {
        file, field: field(e.instancePath), hint: "'urls' are only for kind 'published' (downloaded) datasets",
      });
    case 'type':
      return new InputError(`${e.message}, got ${JSON.stringify(e.data)}`, { file, field: field(e.instancePath) });
    default:
      return new InputError(e.message ?? 'is invalid', { file, field: field(e.instancePath) });
  }
}

/** Parses JSON; a syntax error names the line and column. */
function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    let line: number | undefined;
    let column: number | undefined;
    if (pos) {
      const before = text.slice(0, Number(pos[1])).split('\n');
      line = before.length;
      column = before[before.length - 1].length + 1;
    }
    throw new InputError(`invalid JSON: ${msg.replace(/ in JSON at position \d+.*$/s, '')}`, { file, line, column });
  }
}

/** Validates a manifest value (filling schema defaults in place); every violation is listed. */
export function checkManifest(value: unknown, file: string): Manifest {
  const v = validate();
  if (!v(value)) {
    const errs = (v.errors ?? []).filter((e) => e.keyword !== 'if').map((e) => explain(e, file));
    const seen = new Set<string>();
    const unique = errs.filter((e) => (seen.has(e.message) ? false : (seen.add(e.message), true)));
    throw new InputErrors(`invalid dataset manifest ${file}`, unique);
  }
  return value as Manifest;
}

/** Absolute path of a manifest file entry; refuses paths that leave the manifest's directory (also via symlinks). */
export function resolveInside(dir: string, p: string, file: string, fieldName: string): string {
  const abs = resolve(dir, p);
  const rel = relative(dir, abs);
  const escapes = (r: string): boolean => r === '..' || r.startsWith('..' + sep) || isAbsolute(r);
  if (isAbsolute(p) || escapes(rel)) {
    throw new InputError(`path '${p}' leaves the manifest's directory`, {
      file, field: fieldName, hint: 'put the data files in the manifest folder (or below it) and give relative paths',
    });
  }
  if (existsSync(abs)) {
    const realRel = relative(realpathSync(dir), realpathSync(abs));
    if (escapes(realRel)) {
      throw new InputError(`path '${p}' leaves the manifest's directory through a symbolic link`, { file, field: fieldName });
    }
  }
  return abs;
}

export function readManifest(manifestFile: string): ResolvedManifest {
  const file = resolve(manifestFile);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'manifest not found' : `cannot read manifest (${code})`, { file });
  }
  if (!text.trim()) throw new InputError('manifest is empty', { file });
  const manifest = checkManifest(parseJson(text, file), file);
  const dir = dirname(file);
  const paths = {} as Record<FileRole, string>;
  for (const role of ROLES) paths[role] = resolveInside(dir, manifest.files[role].path, file, `files.${role}.path`);
  return { manifest, file, dir, paths };
}
