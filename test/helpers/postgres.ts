import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A throwaway PostgreSQL server on a free loopback port, started by the tests
 * themselves. PostgreSQL refuses to run as root, so it runs as `postgres` then.
 */
export interface TestPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  dataDir: string;
  binDir: string;
  /** Puts `lines` first in pg_hba.conf and reloads, as an operator editing access rules would. */
  prependHba(lines: string[]): void;
  stop(): void;
}

function findBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (fs.existsSync(path.join(root, v, 'bin', 'initdb'))) return path.join(root, v, 'bin');
  throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql; .ci/run does it)');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function startPostgres(): Promise<TestPostgres> {
  const binDir = findBinDir();
  const asRoot = process.getuid?.() === 0;
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-pg-'));
  const dataDir = path.join(base, 'data');
  const pwFile = path.join(base, 'pw');
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  fs.writeFileSync(pwFile, password);
  if (asRoot) {
    fs.chmodSync(base, 0o755);
    execFileSync('chown', ['-R', 'postgres:postgres', base]);
  }
  const run = (bin: string, args: string[]) => {
    const cmd = asRoot ? ['runuser', '-u', 'postgres', '--', path.join(binDir, bin), ...args] : [path.join(binDir, bin), ...args];
    const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', cwd: base });
    if (r.status !== 0) throw new Error(`${bin} failed (${r.status}): ${r.stderr}${r.stdout}`);
  };
  run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwFile}`, '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const opts = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${base} -c fsync=off -c full_page_writes=off`;
  run('pg_ctl', ['-D', dataDir, '-o', opts, '-l', path.join(base, 'log'), '-w', 'start']);
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    dataDir,
    binDir,
    prependHba(lines) {
      const hba = path.join(dataDir, 'pg_hba.conf');
      fs.writeFileSync(hba, `${lines.join('\n')}\n${fs.readFileSync(hba, 'utf8')}`);
      run('pg_ctl', ['-D', dataDir, '-w', 'reload']);
    },
    stop: () => {
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(base, { recursive: true, force: true });
      }
    },
  };
}
