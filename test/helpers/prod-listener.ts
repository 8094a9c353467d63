import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Stands in for prod: answers like a perfect sandbox (it even serves the marker),
 * so only the guard's own rules can keep lab-tui away; it counts every request.
 */
export interface ProdListener {
  url: string;
  port: number;
  requests: string[];
  close(): Promise<void>;
}

export async function startProdListener(): Promise<ProdListener> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    if (req.url?.includes('/configmaps/')) {
      res.end(JSON.stringify({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'lab-sandbox-identity', namespace: 'kube-system' }, data: { env: 'sandbox' } }));
    } else if (req.url?.startsWith('/v1/')) {
      res.end(JSON.stringify({ sealed: false, initialized: true, t: 1, n: 1, progress: 0, data: { data: { env: 'sandbox' } } }));
    } else {
      res.end(JSON.stringify({ kind: 'NodeList', apiVersion: 'v1', metadata: {}, items: [] }));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
