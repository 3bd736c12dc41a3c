#!/usr/bin/env -S node --import tsx
/**
 * Stage `splits`: make or import the cross-validation folds (<outdir>/folds/).
 * Usage: node --import tsx pipeline/splits.ts [--config FILE] [--profile NAME] [flags]  (same flags as `dti splits`)
 */
import { main } from '../src/cli/main.ts';

process.exitCode = await main(['splits', ...process.argv.slice(2)]);
