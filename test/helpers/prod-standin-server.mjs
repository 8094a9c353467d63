// The prod stand-in's own process: an HTTP listener that answers like a perfect sandbox (it even
// serves both markers) and a raw TCP listener, on 127.0.0.2, counting every connection. In its
// own process so it accepts while the test's process waits on something else.
import http from 'node:http';
import net from 'node:net';

const HOST = process.argv[2] ?? '127.0.0.2';
// Extra ports: the ports a sandbox listens on at 127.0.0.1, so a socket sent to prod's address instead would be counted.
const ports = (arg) => (arg ? arg.split(',').filter(Boolean).map(Number) : []);
const extraHttp = ports(process.argv[3]);
const extraTcp = ports(process.argv[4]);
const counts = { http: 0, tcp: 0, requests: [] };

const answer = (req, res) => {
  counts.requests.push(`${req.method} ${req.url}`);
  res.setHeader('content-type', 'application/json');
  if (req.url?.includes('/configmaps/')) {
    res.end(JSON.stringify({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'lab-sandbox-identity', namespace: 'kube-system' }, data: { env: 'sandbox' } }));
  } else if (req.url?.startsWith('/v1/')) {
    res.end(JSON.stringify({ sealed: false, initialized: true, t: 1, n: 1, progress: 0, data: { data: { env: 'sandbox' } } }));
  } else {
    res.end(JSON.stringify({ kind: 'NodeList', apiVersion: 'v1', metadata: {}, items: [] }));
  }
};
const webServer = () => http.createServer(answer).on('connection', () => counts.http++);
const rawServer = () =>
  net.createServer((socket) => {
    counts.tcp++;
    socket.on('error', () => {});
    socket.end();
  });
const listen = (server, port) => new Promise((r) => server.listen(port, HOST, r));

const web = webServer();
const raw = rawServer();
await listen(web, 0);
await listen(raw, 0);
// Port 0 asks the system for one: the answer says which, so a sandbox can be put on the same numbers.
const bound = async (make, port) => {
  const server = make();
  await listen(server, port);
  return server.address().port;
};
const extraHttpPorts = [];
for (const port of extraHttp) extraHttpPorts.push(await bound(webServer, port));
const extraTcpPorts = [];
for (const port of extraTcp) extraTcpPorts.push(await bound(rawServer, port));
process.on('message', (m) => {
  if (m === 'counts') process.send({ type: 'counts', ...counts });
  if (m === 'reset') {
    counts.http = 0;
    counts.tcp = 0;
    counts.requests = [];
    process.send({ type: 'reset' });
  }
});
process.send({ type: 'ready', httpPort: web.address().port, tcpPort: raw.address().port, extraHttpPorts, extraTcpPorts });
process.on('disconnect', () => process.exit(0));
