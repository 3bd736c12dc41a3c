/** Paths tests need: the repository root and the shared data folder (../shared beside the clone, or $SHARED_DIR). */
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedDir = resolve(process.env.SHARED_DIR ?? resolve(repoRoot, '../shared'));
export const yamanishiDir = resolve(sharedDir, 'datasets/yamanishi');
export const recsysDir = resolve(sharedDir, 'datasets/recsys');

if (!existsSync(sharedDir)) {
  throw new Error(`shared data not found at ${sharedDir}: clone beside ../shared or set SHARED_DIR`);
}
