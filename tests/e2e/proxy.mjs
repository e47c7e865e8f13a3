// A round-robin load balancer for tests: each request goes to the next
// server in turn; a server that refuses the connection (it was killed) is
// skipped for that request, as nginx's `proxy_next_upstream error` does.
// Listens on 127.0.0.1 only.
import http from 'node:http';

export async function roundRobin(backends) {
  let next = 0;
  const counts = backends.map(() => 0);
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => forward(Buffer.concat(chunks), 0));
    function forward(body, tried) {
      if (tried >= backends.length) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'bad_gateway', message: 'no server answered' }));
        return;
      }
      const i = next++ % backends.length;
      const target = new URL(backends[i]());
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host, 'x-forwarded-for': req.socket.remoteAddress },
        },
        (answer) => {
          counts[i]++;
          res.writeHead(answer.statusCode, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', (e) => {
        if (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET') forward(body, tried + 1);
        else if (!res.headersSent) {
          res.writeHead(502);
          res.end();
        }
      });
      upstream.end(body);
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** Requests each server answered. */
    counts,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/**
 * A pass-through to `backend` (a base URL) that records every answer the
 * browser gets from the server, service workers' included (which a page's
 * own request events do not all show): `{ path, status, bytes }`, bytes as
 * sent (compressed). Listens on 127.0.0.1 only.
 */
export async function counting(backend) {
  const target = new URL(backend);
  const answers = [];
  const server = http.createServer((req, res) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        let bytes = 0;
        answer.on('data', (c) => (bytes += c.length));
        answer.on('end', () => answers.push({ path: req.url.split('?')[0], status: answer.statusCode, bytes }));
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}`, answers, close: () => new Promise((ok) => server.close(ok)) };
}
