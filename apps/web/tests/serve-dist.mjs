/**
 * A static file server for the built app (dist/) on a free port of 127.0.0.1, shared by the
 * browser scripts (e2e.mjs, measure-*.mjs).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.bin': 'application/octet-stream',
};

/**
 * The headers that make a page cross-origin isolated, so tfjs-backend-wasm can use its threaded
 * build (SharedArrayBuffer and a pool of Web Workers); the app's dev and preview servers send them.
 */
export const CROSS_ORIGIN_ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/**
 * Serve `dist` (a folder's index.html for the folder; 403 outside `dist`, 404 for what is not
 * there), uncached; with `isolate`, cross-origin isolated.
 *
 * @returns the origin (`http://127.0.0.1:<port>`) and a function that stops the server.
 */
export async function serveDist(dist, { isolate = false } = {}) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let path = normalize(join(dist, decodeURIComponent(url.pathname)));
    if (!path.startsWith(dist)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'index.html');
    if (!existsSync(path)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      ...(isolate ? CROSS_ORIGIN_ISOLATION : {}),
    });
    res.end(readFileSync(path));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}
