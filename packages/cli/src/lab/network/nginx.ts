import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Clock } from '../../core/clock.js';
import type { Endpoint, EndpointView } from '../control-plane/endpoints.js';
import { FrontServer } from './front-server.js';
import { postUntilApplied, ServerProcess } from './server-process.js';

/**
 * How endpoint changes reach nginx: `lua` as ingress-nginx applies them (the controller POSTs the
 * endpoints to a Lua handler, a `balancer_by_lua` upstream picks from them; no reload), `reload` as
 * NGINX's own kubernetes-ingress does without NGINX Plus (rewrite the configuration, reload).
 */
export type NginxMode = 'lua' | 'reload';

export interface NginxOptions {
  readonly mode: NginxMode;
  readonly host: string;
  /** HTTP/1.1 port; HTTP/2 with prior knowledge (h2c) listens on port + 1 (nginx 1.22 cannot share one). */
  readonly port: number;
  /** The ingress's own view of the endpoints: it routes to pod addresses, as ingress-nginx does. */
  readonly view: EndpointView;
  readonly pidNamespace: boolean;
  readonly env: Readonly<Record<string, string>>;
  readonly clock: Clock;
}

const run = promisify(execFile);

/** The Lua modules ingress-nginx builds into its nginx (Debian: libnginx-mod-http-lua). */
export const LUA_MODULES = [
  '/usr/lib/nginx/modules/ndk_http_module.so',
  '/usr/lib/nginx/modules/ngx_http_lua_module.so',
] as const;

/**
 * Real nginx as an ingress controller runs it: one upstream for the pods, upstream keep-alive
 * (HTTP/1.1, `Connection ""`), ingress-nginx's defaults for retries (`proxy_next_upstream error
 * timeout`, 3 tries: a request already sent is retried only if idempotent) and 503 when there is no
 * endpoint. After the ingress's own propagation delay, an endpoint change reaches nginx:
 * - `lua` (ingress-nginx): the endpoints are POSTed to `/configuration/backends` on a port of their
 *   own; a `balancer_by_lua` upstream picks the next of them round-robin for every request. No
 *   reload: client connections are never touched.
 * - `reload` (nginx's kubernetes-ingress without Plus): the `server` lines are rewritten, checked
 *   (`nginx -t`) and nginx reloaded (SIGHUP to the master): new workers take new connections, old
 *   ones finish their requests and close their idle keep-alive connections (HTTP/2: GOAWAY).
 * Failures are nginx's: 502 when the upstream refuses or resets, 504 when it does not answer within
 * the lab-sized `proxy_read_timeout` of 4 s.
 */
export class Nginx extends FrontServer {
  readonly #o: NginxOptions;

  private constructor(options: NginxOptions, server: ServerProcess) {
    super(server, options.host, options.port);
    this.#o = options;
    this.follow(options.view, () => this.#reload());
  }

  static async start(options: NginxOptions): Promise<Nginx> {
    const server = await ServerProcess.start({
      name: 'nginx',
      host: options.host,
      port: options.port,
      pidNamespace: options.pidNamespace,
      env: options.env,
      clock: options.clock,
      files: (dir) => ({ 'nginx.conf': config(dir, options, options.view.usable()) }),
      command: (dir) => [
        'nginx',
        '-p',
        dir,
        '-c',
        join(dir, 'nginx.conf'),
        '-e',
        join(dir, 'error.log'),
      ],
    });
    const nginx = new Nginx(options, server);
    if (options.mode === 'lua') await postBackends(options, options.view.usable());
    return nginx;
  }

  get http2Url(): string {
    return `http://${this.#o.host}:${this.#o.port + 1}/`;
  }

  async #reload(): Promise<void> {
    if (this.#o.mode === 'lua') {
      await postBackends(this.#o, this.#o.view.usable(), () => this.closed);
      return;
    }
    const dir = this.server.dir;
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, config(dir, this.#o, this.#o.view.usable()));
    // Checked first, as the controller does (`nginx -t`): a bad configuration is never loaded.
    await run('nginx', ['-t', '-q', '-p', dir, '-c', conf, '-e', join(dir, 'error.log')]);
    // Then SIGHUP to the master, as `nginx -s reload` does. Not `-s reload` itself: it reads the
    // pid file, which holds the master's pid inside its own PID namespace, not the host's.
    const pid = await this.server.mainPid();
    if (pid !== undefined && this.server.running) process.kill(pid, 'SIGHUP');
  }
}

/** The controller's side of ingress-nginx's dynamic configuration: the endpoints, POSTed. */
async function postBackends(
  o: NginxOptions,
  endpoints: readonly Endpoint[],
  stopped: () => boolean = () => false,
): Promise<void> {
  const body = endpoints.map((e) => `${e.host}:${e.port}`).join(',');
  await postUntilApplied(
    `http://${o.host}:${o.port + 2}/configuration/backends`,
    body,
    stopped,
    o.clock,
  );
}

const PROXY = `      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_connect_timeout 1s;
      proxy_read_timeout 4s;
      proxy_send_timeout 4s;
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 3;`;

function config(dir: string, o: NginxOptions, endpoints: readonly Endpoint[]): string {
  return o.mode === 'lua' ? luaConfig(dir, o) : reloadConfig(dir, o, endpoints);
}

function common(dir: string): string {
  return `worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
daemon off;
events { worker_connections 8192; }`;
}

function httpCommon(dir: string): string {
  return `  access_log off;
  keepalive_timeout 75s;
  keepalive_requests 10000;
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};`;
}

/**
 * ingress-nginx's way, reduced to what the lab needs: the endpoints live in a shared dictionary
 * (ingress-nginx's workers poll theirs every second; the lab folds that into the propagation delay),
 * the balancer picks round-robin and moves on to the next endpoint on a retry.
 */
function luaConfig(dir: string, o: NginxOptions): string {
  return `# Written by lameduck lab (ingress-nginx's dynamic endpoints); removed when the lab ends.
${LUA_MODULES.map((m) => `load_module ${m};`).join('\n')}
${common(dir)}
http {
${httpCommon(dir)}
  lua_shared_dict endpoints 1m;
  upstream pods {
    server 0.0.0.1; # a placeholder: balancer_by_lua picks the peer
    balancer_by_lua_block {
      local balancer = require "ngx.balancer"
      local peers = ngx.ctx.peers
      local try = (ngx.ctx.try or 0) + 1
      ngx.ctx.try = try
      if try == 1 then
        ngx.ctx.first = ngx.shared.endpoints:incr("turn", 1, 0)
        if #peers > 1 then balancer.set_more_tries(math.min(2, #peers - 1)) end
      end
      local peer = peers[(ngx.ctx.first + try - 2) % #peers + 1]
      local ok, err = balancer.set_current_peer(peer[1], peer[2])
      if not ok then return ngx.exit(500) end
    }
    keepalive 320;
    keepalive_requests 10000;
    keepalive_timeout 60s;
  }
  server {
    listen ${o.host}:${o.port};
    listen ${o.host}:${o.port + 1} http2;
    location / {
      access_by_lua_block {
        local list = ngx.shared.endpoints:get("backends") or ""
        local peers = {}
        for host, port in string.gmatch(list, "([^,:]+):(%d+)") do
          peers[#peers + 1] = { host, tonumber(port) }
        end
        if #peers == 0 then return ngx.exit(503) end
        ngx.ctx.peers = peers
      }
      proxy_pass http://pods;
${PROXY}
    }
  }
  server {
    listen ${o.host}:${o.port + 2};
    location = /configuration/backends {
      client_body_buffer_size 64k;
      content_by_lua_block {
        ngx.req.read_body()
        ngx.shared.endpoints:set("backends", ngx.req.get_body_data() or "")
        ngx.say("ok")
      }
    }
  }
}
`;
}

function reloadConfig(dir: string, o: NginxOptions, endpoints: readonly Endpoint[]): string {
  const servers = endpoints.map((e) => `    server ${e.host}:${e.port};`).join('\n');
  const location =
    endpoints.length === 0 ? '      return 503;' : `      proxy_pass http://pods;\n${PROXY}`;
  return `# Written by lameduck lab (reloaded on every endpoint change); removed when the lab ends.
${common(dir)}
http {
${httpCommon(dir)}
${
  endpoints.length === 0
    ? ''
    : `  upstream pods {
${servers}
    keepalive 320;
    keepalive_requests 10000;
    keepalive_timeout 60s;
  }
`
}  server {
    listen ${o.host}:${o.port};
    listen ${o.host}:${o.port + 1} http2;
    location / {
${location}
    }
  }
}
`;
}
