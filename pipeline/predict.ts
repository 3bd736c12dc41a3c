#!/usr/bin/env -S node --import tsx
/**
 * Stage `predict`: fit on all known interactions and rank new pairs (<outdir>/predict/).
 * Usage: node --import tsx pipeline/predict.ts [--config FILE] [--profile NAME] [flags]  (same flags as `dti predict`)
 */
import { main } from '../src/cli/main.ts';

process.exitCode = await main(['predict', ...process.argv.slice(2)]);
