/** The benchmarks' small command-line readers (`--name value`; no value = the default). */

/** The value after `--name` on the command line, or `dflt`. */
export function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}

/** A comma-separated list option. */
export const listArg = (name: string, dflt: string): string[] => arg(name, dflt).split(',');

/** A per-dataset count option such as `nr=10,gpcr=5` (a malformed entry is an error naming the option). */
export function countsArg(name: string, dflt: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kv of listArg(name, dflt)) {
    const [k, v] = kv.split('=');
    const n = Number(v);
    if (!k || !Number.isInteger(n) || n < 0) throw new Error(`--${name}: expected name=count, got '${kv}'`);
    out[k] = n;
  }
  return out;
}
