import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A real nginx (Debian's /usr/sbin/nginx) as a caching proxy in front of the app, run as our own
// process from a config in a temp dir on a loopback port — never the system service. The config
// is the one docs/sync.md recommends (after Electric's packages/sync-service/dev/nginx.conf and
// its caching guide): proxy_cache keyed by the full URL, proxy_cache_lock so identical requests
// wait for the one in flight, buffering on (nginx only caches buffered responses), and SSE
// streams let through unbuffered by the server's `X-Accel-Buffering: no`.

export const NGINX = '/usr/sbin/nginx';
export const nginxInstalled = () => existsSync(NGINX);

export interface Nginx {
  url: string;
  /** The config it runs, for the docs and for debugging. */
  config: string;
  stop(): Promise<void>;
}

export interface NginxOptions {
  upstreamPort: number;
  /** Hold at least this long (ms): the app's SHAPE_LONG_POLL_MS; waiting requests must outlast it. */
  longPollMs: number;
  /**
   * Authorization in front of the cache: every shape request is first sent (without its body) to
   * this URL on the upstream; 2xx lets it through to the cache, 401/403 is the answer.
   */
  authRequest?: string;
}

export function nginxConfig(dir: string, port: number, o: NginxOptions): string {
  const lockS = Math.ceil(o.longPollMs / 1000) + 10;
  const auth = o.authRequest
    ? `
      # Authorization stays in front of the cache: nginx asks the app for every request, cached or
      # not, and only then looks in the cache (docs/sync.md, "Authorization in front of the cache").
      auth_request /_shape_authorize;`
    : '';
  const authLocation = o.authRequest
    ? `
    location = /_shape_authorize {
      internal;
      proxy_pass http://app${o.authRequest};
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URI $request_uri;
      proxy_cache off;
    }`
    : '';
  return `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  proxy_cache_path ${dir}/cache levels=1:2 keys_zone=shapes:10m max_size=256m inactive=60m use_temp_path=off;
  upstream app {
    server 127.0.0.1:${o.upstreamPort};
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location /api/shapes/ {${auth}
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_cache shapes;
      # Every query parameter is part of the shape request (handle, offset, cursor, ...).
      proxy_cache_key $scheme$proxy_host$request_uri;
      proxy_cache_methods GET HEAD;
      # Collapse: one request per URL goes upstream, the others wait for its answer in the cache.
      # They must wait longer than the server holds a live request (SHAPE_LONG_POLL_MS).
      proxy_cache_lock on;
      proxy_cache_lock_timeout ${lockS}s;
      proxy_cache_lock_age ${lockS}s;
      proxy_cache_revalidate on;
      proxy_cache_use_stale error timeout;
      proxy_cache_background_update on;
      proxy_buffering on;
      proxy_read_timeout ${lockS + 60}s;
      add_header X-Proxy-Cache $upstream_cache_status always;
    }${authLocation}
  }
}
`;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** Resolves once something accepts connections on the port (or rejects when nginx exited). */
async function accepting(port: number, child: ChildProcess, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => (c.destroy(), resolve(true)));
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error('nginx did not start listening');
    // nginx binds within milliseconds of starting; this is the retry of a refused connect.
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function startNginx(o: NginxOptions): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'kanban-nginx-'));
  // The workers may run as another user (nginx drops root): let them write the cache.
  await chmod(dir, 0o777);
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi', 'cache']) {
    await mkdir(join(dir, d), { mode: 0o777 });
    await chmod(join(dir, d), 0o777);
  }
  const port = await freePort();
  const config = nginxConfig(dir, port, o);
  const file = join(dir, 'nginx.conf');
  await writeFile(file, config);
  const child = spawn(NGINX, ['-p', dir, '-e', join(dir, 'error.log'), '-c', file, '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await accepting(port, child, 10_000);
  } catch (err) {
    child.kill('SIGKILL');
    const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '');
    throw new Error(`${String(err)}: ${stderr} ${log}`);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM'); // our own nginx master, by its pid; it stops its workers
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
