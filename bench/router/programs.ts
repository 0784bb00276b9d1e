// The small peer programs the router benchmark runs as their own processes, as plain
// JavaScript for `node -e`: the backends every proxy forwards to, and the bare node:http
// pass-through (the floor for any Node proxy: split, forward over keep-alive, pipe back).

/** Two backends in one process, answering every request with a small JSON body. */
export const BACKENDS = `
const http = require("node:http");
const body = JSON.stringify({ object: "text_completion", choices: [{ text: "ok" }] });
for (const port of process.argv.slice(1).map(Number)) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 65000;
  server.listen(port, "127.0.0.1");
}
`;

/** The bare pass-through: a 90/10 random split, keep-alive upstream, no validation. */
export const BARE_PROXY = `
const http = require("node:http");
const [port, stable, candidate] = process.argv.slice(1).map(Number);
const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 256 });
http.createServer((req, res) => {
  const toStable = Math.random() < 0.9;
  const upstream = http.request({
    host: "127.0.0.1", port: toStable ? stable : candidate, method: req.method,
    path: req.url, headers: req.headers, agent,
  }, (answer) => {
    res.writeHead(answer.statusCode, { ...answer.headers, "x-kubetune-variant": toStable ? "stable" : "candidate" });
    answer.pipe(res);
  });
  upstream.on("error", () => { res.writeHead(502); res.end(); });
  req.pipe(upstream);
}).listen(port, "127.0.0.1");
`;

/** nginx with one worker doing the same 90/10 split over keep-alive upstreams. */
export function nginxConfig(dir: string, port: number, stable: number, candidate: number): string {
  return `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream stable { server 127.0.0.1:${stable}; keepalive 64; }
  upstream candidate { server 127.0.0.1:${candidate}; keepalive 64; }
  split_clients "\${request_id}" $variant { 90% stable; * candidate; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://$variant;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      add_header x-kubetune-variant $variant always;
    }
  }
}
`;
}
