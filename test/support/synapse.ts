import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';

/**
 * A real Synapse homeserver for the Matrix tests: Debian sid's matrix-synapse in
 * the chroot `.ci/synapse.sh` prepares, started with SQLite on 127.0.0.1 on a
 * free port, with its config and data in a throw-away directory inside the chroot.
 */
export interface Synapse {
  url: string;
  serverName: string;
  /** A user registered with the shared secret (admin API); exempt from message rate limits unless `limited`. */
  register(name: string, options?: { limited?: boolean }): Promise<{ userId: string; accessToken: string }>;
  stop(): Promise<void>;
}

export const SYNAPSE_CHROOT = process.env.HELFERRUF_SYNAPSE_CHROOT ?? `${process.env.HELFERRUF_CI_CACHE ?? '/var/cache/helferruf-ci'}/synapse-chroot`;

/** Why Synapse cannot run here, or null when it can. */
export function synapseUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'the Matrix tests start Synapse in a chroot, which needs root';
  if (!existsSync(join(SYNAPSE_CHROOT, '.helferruf-synapse-ready'))) return `no Synapse chroot at ${SYNAPSE_CHROOT} (prepare it with: bash .ci/synapse.sh)`;
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function config(dir: string, port: number, secret: string): string {
  const high = '{per_second: 1000, burst_count: 1000}';
  return `server_name: localhost
pid_file: ${dir}/homeserver.pid
listeners:
  - port: ${port}
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    resources: [{names: [client], compress: false}]
database: {name: sqlite3, args: {database: ${dir}/homeserver.db}}
log_config: ${dir}/log.yaml
media_store_path: ${dir}/media
signing_key_path: ${dir}/signing.key
registration_shared_secret: "${secret}"
macaroon_secret_key: "${randomBytes(24).toString('hex')}"
form_secret: "${randomBytes(24).toString('hex')}"
report_stats: false
trusted_key_servers: []
suppress_key_server_warning: true
presence: {enabled: false}
url_preview_enabled: false
enable_registration: false
# Messages are limited as on a real homeserver; test users are exempted one by one.
rc_message: {per_second: 0.5, burst_count: 6}
rc_registration: ${high}
rc_login: {address: ${high}, account: ${high}, failed_attempts: ${high}}
rc_joins: {local: ${high}, remote: ${high}}
rc_joins_per_room: ${high}
rc_invites: {per_room: ${high}, per_user: ${high}, per_issuer: ${high}}
rc_admin_redaction: ${high}
`;
}

const LOG_CONFIG = `version: 1
formatters: {precise: {format: '%(asctime)s %(name)s %(levelname)s %(message)s'}}
handlers: {console: {class: logging.StreamHandler, formatter: precise}}
root: {level: WARNING, handlers: [console]}
disable_existing_loggers: false
`;

async function json(response: Response): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`Synapse ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

export async function startSynapse(): Promise<Synapse> {
  const reason = synapseUnavailable();
  if (reason) throw new Error(reason);
  mkdirSync(join(SYNAPSE_CHROOT, 'tmp'), { recursive: true });
  const hostDir = mkdtempSync(join(SYNAPSE_CHROOT, 'tmp', 'hr-synapse-'));
  const dir = `/tmp/${basename(hostDir)}`;
  const secret = randomBytes(24).toString('hex');
  // An ed25519 signing key is a random 32-byte seed, unpadded base64.
  writeFileSync(join(hostDir, 'signing.key'), `ed25519 a_test ${randomBytes(32).toString('base64').replace(/=+$/, '')}\n`);
  writeFileSync(join(hostDir, 'log.yaml'), LOG_CONFIG);

  let child: ChildProcess | undefined;
  let url = '';
  const output: string[] = [];
  for (let attempt = 1; !child; attempt++) {
    const port = await freePort();
    writeFileSync(join(hostDir, 'homeserver.yaml'), config(dir, port, secret));
    const started = spawn('chroot', [SYNAPSE_CHROOT, '/usr/bin/python3', '-m', 'synapse.app.homeserver', '-c', `${dir}/homeserver.yaml`], {
      cwd: '/',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
    });
    started.stdout!.on('data', (d) => output.push(String(d)));
    started.stderr!.on('data', (d) => output.push(String(d)));
    let exited = false;
    started.once('exit', () => (exited = true));
    url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    while (!exited && Date.now() < deadline) {
      try {
        if ((await fetch(`${url}/_matrix/client/versions`)).ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!exited && Date.now() < deadline) child = started;
    else {
      started.kill('SIGKILL');
      // The port was taken between choosing and binding it: try another.
      if (attempt >= 3) {
        rmSync(hostDir, { recursive: true, force: true });
        throw new Error(`Synapse did not start:\n${output.join('').slice(-3000)}`);
      }
    }
  }

  let admin: string | undefined;
  const register = async (name: string, options: { limited?: boolean } = {}, asAdmin = false) => {
    const endpoint = `${url}/_synapse/admin/v1/register`;
    const { nonce } = (await json(await fetch(endpoint))) as { nonce: string };
    const password = randomBytes(12).toString('hex');
    const mac = createHmac('sha1', secret).update(`${nonce}\0${name}\0${password}\0${asAdmin ? 'admin' : 'notadmin'}`).digest('hex');
    const body = await json(await fetch(endpoint, { method: 'POST', body: JSON.stringify({ nonce, username: name, password, admin: asAdmin, mac }) }));
    const user = { userId: String(body.user_id), accessToken: String(body.access_token) };
    if (!asAdmin && !options.limited) {
      admin ??= (await register(`admin-${randomBytes(4).toString('hex')}`, {}, true)).accessToken;
      await json(
        await fetch(`${url}/_synapse/admin/v1/users/${encodeURIComponent(user.userId)}/override_ratelimit`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin}` },
          body: JSON.stringify({ messages_per_second: 0, burst_count: 0 }),
        }),
      );
    }
    return user;
  };

  return {
    url,
    serverName: 'localhost',
    register: (name, options) => register(name, options),
    async stop() {
      const exited = new Promise<void>((resolve) => (child!.exitCode !== null ? resolve() : child!.once('exit', () => resolve())));
      child!.kill('SIGTERM');
      const timer = setTimeout(() => child!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(hostDir, { recursive: true, force: true });
    },
  };
}
