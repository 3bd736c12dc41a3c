#!/usr/bin/env -S node --import tsx
/**
 * Stage `graphs`: check the similarity graphs and fill the eigenbasis cache (<outdir>/graphs/).
 * Usage: node --import tsx pipeline/graphs.ts [--config FILE] [--profile NAME] [flags]  (same flags as `dti graphs`)
 */
import { main } from '../src/cli/main.ts';

process.exitCode = await main(['graphs', ...process.argv.slice(2)]);
