import pg from 'pg';

/** Where lab-sim reaches its own server as the superuser: the Unix socket, peer authentication. */
export interface AdminEndpoint {
  socketDir: string;
  port: number;
}

/**
 * lab-sim's own session as `postgres` over the server's Unix socket. pg_hba.conf lets only the
 * OS users that run lab-sim and the server in there (peer authentication, ident map `lab-sim`),
 * so lab-sim needs no password of its own and clients over TCP always need one.
 */
export async function adminSession(at: AdminEndpoint, database = 'postgres'): Promise<pg.Client> {
  const client = new pg.Client({ host: at.socketDir, port: at.port, user: 'postgres', database, application_name: 'lab-sim' });
  // A server killed under an idle session reports through 'error'; the next query fails instead.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Runs `fn` in a session on `database` and closes it, whatever happens. */
export async function inDatabase<T>(at: AdminEndpoint, database: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await adminSession(at, database);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
