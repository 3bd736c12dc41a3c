/** Progress: a live bar on a TTY (done/total, ETA, current method), plain log lines otherwise. */
import cliProgress from 'cli-progress';

export interface Progress {
  start(total: number, already: number): void;
  current(label: string): void;
  tick(label: string): void;
  log(message: string): void;
  stop(): void;
}

export function createProgress(opts: { tty?: boolean; stream?: NodeJS.WriteStream; quiet?: boolean } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const tty = opts.tty ?? Boolean(stream.isTTY);
  if (opts.quiet) return { start() {}, current() {}, tick() {}, log() {}, stop() {} };
  if (!tty) {
    let done = 0;
    let total = 0;
    let t0 = Date.now();
    return {
      start(t, already) {
        total = t;
        done = already;
        t0 = Date.now();
        stream.write(`[run] ${total} task(s), ${already} already done\n`);
      },
      current() {},
      tick(label) {
        done++;
        const el = (Date.now() - t0) / 1000;
        stream.write(`[run] ${done}/${total} done: ${label} (${el.toFixed(1)} s elapsed)\n`);
      },
      log(m) {
        stream.write(`${m}\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: ' {bar} {value}/{total} tasks | ETA {eta_formatted} | {label}', stream, hideCursor: true, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  let running = false;
  return {
    start(total, already) {
      bar.start(total, already, { label: '' });
      running = true;
    },
    current(label) {
      bar.update({ label });
    },
    tick(label) {
      bar.increment(1, { label });
    },
    log(m) {
      // print above the bar
      stream.write(running ? `\r\x1b[2K${m}\n` : `${m}\n`);
      if (running) bar.render();
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
