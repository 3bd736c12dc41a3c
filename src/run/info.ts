/** pipeline_info/: the resolved config, software versions and dataset checksums of a run. */
import { readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { writeJsonAtomic } from '../core/atomic.ts';
import type { Config } from '../config/types.ts';
import type { EngineInfo } from '../engine/types.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const infoDir = (outdir: string): string => join(outdir, 'pipeline_info');

function pkgVersion(name: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(repo, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

export function softwareVersions(engine?: EngineInfo): Record<string, unknown> {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  const deps = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }).sort();
  return {
    pipeline: { name: pkg.name, version: pkg.version },
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch} (${os.release()})`,
    cpus: os.availableParallelism(),
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    engine: engine ?? null,
    packages: Object.fromEntries(deps.map((d) => [d, pkgVersion(d)])),
  };
}

export async function writeConfigInfo(config: Config): Promise<void> {
  await writeJsonAtomic(join(infoDir(config.outdir), 'config.json'), config);
}

export async function writeVersions(outdir: string, engine?: EngineInfo): Promise<void> {
  await writeJsonAtomic(join(infoDir(outdir), 'versions.json'), softwareVersions(engine));
}

export async function writeChecksums(outdir: string, checksums: Record<string, Record<string, string>>): Promise<void> {
  await writeJsonAtomic(join(infoDir(outdir), 'checksums.json'), checksums);
}
