import assert from 'node:assert/strict';
import { lookup } from 'node:dns';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createPostgresAdapter } from '../../engine/adapters/postgres.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { superuserPassword } from '../helpers/sim-postgres.ts';

/** A relay to the sim's PostgreSQL that holds the server's answers back until `release()`: a login that takes as long as the test wants. */
function slowRelay(target: { host: string; port: number }) {
  let release = () => {};
  const released = new Promise<void>((r) => (release = r));
  const sockets: Socket[] = [];
  let logins = 0;
  const server = createServer((client) => {
    logins++;
    const upstream = connect(target.port, target.host);
    sockets.push(client, upstream);
    client.pipe(upstream);
    void released.then(() => upstream.pipe(client));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  return {
    listen: () => new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port))),
    release,
    logins: () => logins,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

describe('the PostgreSQL adapter on a server slow to log in', () => {
  let sim: LabSim;
  before(async () => {
    sim = await startTestSim();
  });
  after(() => sim.stop());

  it('keeps the shared login going when a short read gives up, and the next read uses it', async () => {
    const relay = slowRelay(sim.postgres);
    const port = await relay.listen();
    const pg = createPostgresAdapter({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', password: () => superuserPassword(sim) }, () => {}, { check: () => {}, lookup });
    try {
      await assert.rejects(pg.query('SELECT 1 AS one', [], { timeoutMs: 100 }), /no connection within 100 ms \(still logging in\)/);
      await assert.rejects(pg.query('SELECT 1 AS one', [], { timeoutMs: 100 }), /still logging in/);
      relay.release();
      assert.deepEqual(await pg.query('SELECT 1 AS one', [], { timeoutMs: 5000 }), [{ one: 1 }]);
      assert.equal(relay.logins(), 1, 'one login, waited for by every read');
    } finally {
      await pg.close();
      relay.close();
    }
  });
});
