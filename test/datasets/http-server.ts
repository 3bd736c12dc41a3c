/** Small HTTP servers on 127.0.0.1 for fetch tests: static, corrupting, hanging, 404, flaky. */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';

export type Mode =
  | { kind: 'static' }
  | { kind: 'corrupt' } // flips the first byte of every file
  | { kind: 'hang' } // accepts the request, never answers
  | { kind: 'stall' } // sends the headers and half the body, then nothing more
  | { kind: 'pad'; extra: number } // appends bytes to every file (no content-length header)
  | { kind: 'status'; status: number } // always this status
  | { kind: 'flaky'; failures: number; status: number }; // `failures` errors per path, then the file

export interface TestServer {
  url: string;
  /** requests seen, by path */
  hits: Map<string, number>;
  total(): number;
  close(): Promise<void>;
}

export async function startServer(root: string, mode: Mode): Promise<TestServer> {
  const hits = new Map<string, number>();
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    if (mode.kind === 'hang') {
      hanging.add(res);
      return;
    }
    if (mode.kind === 'status' || (mode.kind === 'flaky' && n <= mode.failures)) {
      res.writeHead(mode.status).end('no');
      return;
    }
    const rel = normalize(path).replace(/^[/\\]+/, '');
    if (rel.startsWith('..')) return void res.writeHead(403).end();
    try {
      const data = await readFile(join(root, rel));
      if (mode.kind === 'corrupt' && data.length) data[0] ^= 0xff;
      if (mode.kind === 'stall') {
        hanging.add(res);
        res.writeHead(200, { 'content-length': data.length });
        res.write(data.subarray(0, data.length >> 1));
        return;
      }
      if (mode.kind === 'pad') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write(data);
        res.end(Buffer.alloc(mode.extra, 32));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': data.length }).end(data);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    total: () => [...hits.values()].reduce((a, b) => a + b, 0),
    close: () =>
      new Promise<void>((ok) => {
        for (const r of hanging) r.destroy();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
