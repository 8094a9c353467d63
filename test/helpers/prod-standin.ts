import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface ProdCounts {
  /** TCP connections accepted by the HTTP listener, and the requests it read. */
  http: number;
  tcp: number;
  requests: string[];
}

/**
 * Prod, stood in for on 127.0.0.2 by a process of its own (HTTP and raw TCP listeners) that
 * counts every connection: whatever lab-tui refuses must leave both counts at zero. `httpPorts` and
 * `tcpPorts` add listeners on given ports, 0 for any free one (the ports a sandbox then uses on 127.0.0.1).
 */
export interface ProdStandIn {
  host: string;
  httpPort: number;
  tcpPort: number;
  /** `http://127.0.0.2:<httpPort>` */
  url: string;
  /** The extra listeners' ports, as bound (a 0 asked gets the system's choice). */
  extraHttpPorts: number[];
  extraTcpPorts: number[];
  counts(): Promise<ProdCounts>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startProdStandIn(o: { host?: string; httpPorts?: number[]; tcpPorts?: number[] } = {}): Promise<ProdStandIn> {
  const host = o.host ?? '127.0.0.2';
  const args = [host, (o.httpPorts ?? []).join(','), (o.tcpPorts ?? []).join(',')];
  const child: ChildProcess = fork(path.join(import.meta.dirname, 'prod-standin-server.mjs'), args, { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>(type: string) => new Promise<T>((resolve, reject) => {
    const onMessage = (m: { type: string }) => {
      if (m.type !== type) return;
      child.off('message', onMessage);
      resolve(m as T);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`prod stand-in exited (${code})`)));
  });
  const ready = await next<{ httpPort: number; tcpPort: number; extraHttpPorts: number[]; extraTcpPorts: number[] }>('ready');
  return {
    host,
    httpPort: ready.httpPort,
    tcpPort: ready.tcpPort,
    url: `http://${host}:${ready.httpPort}`,
    extraHttpPorts: ready.extraHttpPorts,
    extraTcpPorts: ready.extraTcpPorts,
    async counts() {
      const answer = next<ProdCounts>('counts');
      child.send('counts');
      const { http, tcp, requests } = await answer;
      return { http, tcp, requests };
    },
    async reset() {
      const answer = next('reset');
      child.send('reset');
      await answer;
    },
    close: () => new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.disconnect();
    }),
  };
}
