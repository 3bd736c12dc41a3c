/** Registers the four Yamanishi et al. (2008) gold-standard sets (manifests in datasets/yamanishi/). */
import { join } from 'node:path';
import { registerDataset } from './registry.ts';
import { readManifest, repoDir } from './manifest.ts';
import { fetchManifest, loadManifest } from './source.ts';

export const yamanishiDir = join(repoDir, 'datasets', 'yamanishi');

const SETS: [string, string][] = [
  ['nr', 'Yamanishi 2008 nuclear receptors: 54 drugs x 26 targets, 90 interactions'],
  ['gpcr', 'Yamanishi 2008 G-protein-coupled receptors: 223 drugs x 95 targets, 635 interactions'],
  ['ic', 'Yamanishi 2008 ion channels: 210 drugs x 204 targets, 1476 interactions'],
  ['e', 'Yamanishi 2008 enzymes: 445 drugs x 664 targets, 2926 interactions'],
];

for (const [name, description] of SETS) {
  const manifest = join(yamanishiDir, `${name}.json`);
  registerDataset({
    name,
    kind: 'dti',
    description,
    load: (opts) => loadManifest(readManifest(manifest), opts),
    fetch: (opts) => fetchManifest(readManifest(manifest), opts),
  });
}
