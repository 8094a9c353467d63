import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { isRefusal } from '../common/refusal.ts';

/**
 * Where a socket may go, decided when it connects: every client an adapter builds (the
 * Kubernetes client's agents, node-vault's, fetch's dispatcher, pg's stream) asks this policy,
 * so a name that starts resolving to prod mid-session is caught before the first byte.
 */
export interface SocketPolicy {
  /** Throws when `host` may not be connected to as written (a literal prod address, a prod name). */
  check(host: string): void;
  /** dns.lookup's signature; answers with an error instead of an address that is prod. */
  lookup: net.LookupFunction;
}


/** Node skips `lookup` for literal addresses, so those are judged before connecting. */
function connectOptions<T extends { host?: string | null }>(policy: SocketPolicy, options: T): T & { lookup: net.LookupFunction } {
  policy.check(options.host ?? 'localhost');
  return { ...options, lookup: policy.lookup };
}

/** An http.Agent whose every socket passes the policy. */
export function guardedHttpAgent(policy: SocketPolicy, options: http.AgentOptions = {}): http.Agent {
  const agent = new http.Agent(options);
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (opts, cb) => create(connectOptions(policy, opts as net.NetConnectOpts & { host?: string }), cb);
  return agent;
}

/** An https.Agent whose every socket passes the policy (TLS options as https.Agent takes them). */
export function guardedHttpsAgent(policy: SocketPolicy, options: https.AgentOptions = {}): https.Agent {
  const agent = new https.Agent(options);
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (opts, cb) => create(connectOptions(policy, opts as tls.ConnectionOptions), cb);
  return agent;
}

/** A TLS client socket (a handshake check) that passes the policy; a refusal is thrown before connecting. */
export type TlsConnect = (options: tls.ConnectionOptions & { host: string; port: number }) => tls.TLSSocket;

export function guardedTlsConnect(policy: SocketPolicy): TlsConnect {
  return (options) => tls.connect(connectOptions(policy, options));
}

/** `fetch` over a dispatcher whose every socket passes the policy. */
export function guardedFetch(policy: SocketPolicy): typeof fetch {
  const base = buildConnector({ lookup: policy.lookup } as buildConnector.BuildOptions);
  const dispatcher = new Agent({
    connect(opts, callback) {
      try {
        policy.check(opts.hostname);
      } catch (e) {
        callback(e as Error, null);
        return undefined as never;
      }
      return base(opts, callback);
    },
  });
  // fetch reports a failed connect as "fetch failed" with the reason as its cause: a refusal is passed on as itself.
  return (async (input: string | URL, init?: RequestInit) => {
    try {
      return await undiciFetch(input, { ...(init as object), dispatcher });
    } catch (e) {
      throw isRefusal((e as Error).cause) ? (e as Error).cause : e;
    }
  }) as unknown as typeof fetch;
}

/**
 * A socket for pg's `stream` option: pg calls `connect(port, host)`, and a refused host ends
 * the socket with the refusal before anything is sent.
 */
export function guardedPgStream(policy: SocketPolicy): () => net.Socket {
  return () => {
    const socket = new net.Socket();
    const connect = socket.connect.bind(socket) as (o: net.NetConnectOpts) => net.Socket;
    socket.connect = ((port: number | string, host?: string) => {
      // A Unix socket path names no host.
      if (typeof port === 'string' && Number.isNaN(Number(port))) return connect({ path: port });
      try {
        return connect(connectOptions(policy, { port: Number(port), host: host ?? 'localhost' }));
      } catch (e) {
        process.nextTick(() => socket.destroy(e as Error));
        return socket;
      }
    }) as net.Socket['connect'];
    return socket;
  };
}
