/** Human-readable summary of a fetch report (for the CLI's `fetch` stage and logs). */
import type { FetchReport } from './fetch.ts';

const size = (n: number): string =>
  n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1 << 10 ? `${(n / (1 << 10)).toFixed(1)} KiB` : `${n} B`;

/** One line per file: name, size, where it came from, which integrity entry matched, failed attempts. */
export function formatFetchReport(r: FetchReport): string {
  const head = `${r.dataset}: ${r.files.length} files in ${r.cacheDir}${r.offline ? ' (offline)' : ''}${r.mirror ? `, mirror ${r.mirror}` : ''}`;
  const w = Math.max(...r.files.map((f) => f.name.length), 4);
  const lines = r.files.map((f) => {
    const failed = f.attempts.filter((a) => !a.ok);
    const from = f.source === 'cache' || f.source === 'local' ? f.source : `${f.source} ${f.location}`;
    const verified = f.integrity.index < 0 ? 'NOT VERIFIED (no integrity data)' : `${f.integrity.name} (${f.integrity.checked.join(', ')})`;
    const extra = failed.length ? `; ${failed.length} failed: ${failed.map((a) => `${a.location}: ${a.error}`).join('; ')}` : '';
    return `  ${f.name.padEnd(w)}  ${size(f.bytes).padStart(9)}  ${from}  ${verified}${extra}`;
  });
  return [head, ...lines].join('\n');
}
