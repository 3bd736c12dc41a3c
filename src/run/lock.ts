/**
 * One pipeline per output directory at a time. The lock is proper-lockfile's (an atomic mkdir, refreshed while
 * the run lives) plus an owner file; a lock whose owner process is gone (e.g. killed with SIGKILL) on this host
 * is taken over at once, a live one makes the second run stop with a clear message.
 */
import lockfile from 'proper-lockfile';
import { mkdirSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { pidAlive } from '../core/pid.ts';

export interface Owner {
  pid: number;
  host: string;
  started: string;
  command: string;
}

const lockTarget = (outdir: string): string => join(outdir, '.dti');
const lockPath = (outdir: string): string => join(outdir, '.dti.lock');
const ownerPath = (outdir: string): string => join(outdir, '.dti.owner.json');

function readOwner(outdir: string): Owner | null {
  try {
    return JSON.parse(readFileSync(ownerPath(outdir), 'utf8')) as Owner;
  } catch {
    return null;
  }
}

/** Acquire the lock of `outdir`; returns the release function. Throws InputError when another run holds it. */
export async function lockOutdir(outdir: string, command = process.argv.slice(1).join(' ')): Promise<() => Promise<void>> {
  mkdirSync(outdir, { recursive: true });
  const opts = {
    lockfilePath: lockPath(outdir),
    realpath: false,
    stale: 30_000,
    update: 5_000,
    // another process removed our lock (it judged it stale): say so, do not crash the run
    onCompromised: (err: Error) => process.emitWarning(`lock of ${outdir} was compromised: ${err.message}`),
  };
  if (!existsSync(lockTarget(outdir))) writeFileSync(lockTarget(outdir), 'lock target of the dti pipeline\n');
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(lockTarget(outdir), opts);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
    const owner = readOwner(outdir);
    if (owner && owner.host === hostname() && !pidAlive(owner.pid)) {
      // the previous run died without releasing: take over
      rmSync(lockPath(outdir), { recursive: true, force: true });
      release = await lockfile.lock(lockTarget(outdir), opts);
    } else {
      const who = owner ? `pid ${owner.pid} on ${owner.host}, started ${owner.started}: ${owner.command}` : 'unknown process';
      throw new InputError(`output directory is in use by another pipeline run (${who})`, {
        file: outdir,
        hint: 'wait for it to finish, or choose another --outdir',
      });
    }
  }
  const me: Owner = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command };
  writeFileSync(ownerPath(outdir), JSON.stringify(me) + '\n');
  return async () => {
    rmSync(ownerPath(outdir), { force: true });
    await release().catch(() => undefined);
  };
}
