import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWatchdog } from "../watchdog.js";

export interface ClusterOptions {
  /** PostgreSQL's bin directory (see binaries.ts). */
  bin: string;
  /** The server's certificate and PKCS#8 key, PEM. */
  cert: string;
  key: string;
  user: string;
  password: string;
}

export interface Cluster {
  readonly host: "127.0.0.1";
  readonly port: number;
  /** Stops the server (immediate mode) and removes its data directory. Safe to call twice. */
  stop(): void;
}

/** The unprivileged account initdb and postgres run as when we are root (Debian's package creates it). */
const SERVICE_USER = "postgres";
const START_TIMEOUT_S = 60;

/** A free loopback port: bind port 0 and release it (start() retries if another process takes it meanwhile). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function idOf(flag: "-u" | "-g"): number {
  const result = spawnSync("id", [flag, SERVICE_USER], { encoding: "utf8", timeout: 10_000 });
  if (result.status !== 0) {
    throw new Error(
      `initdb refuses to run as root and there is no "${SERVICE_USER}" user to run it as (Debian's postgresql package creates one)`,
    );
  }
  return Number(result.stdout.trim());
}

/**
 * Starts a throwaway PostgreSQL on 127.0.0.1: a fresh data directory in a
 * temp folder, SSL on with the given certificate, password (SCRAM) auth for
 * TCP clients, fsync off. As root, initdb and postgres run as the `postgres`
 * user through runuser (initdb refuses root).
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? { uid: idOf("-u"), gid: idOf("-g") } : null;
  const root = mkdtempSync(join(tmpdir(), "sockets-pg-"));
  const data = join(root, "data");
  const give = (path: string) => {
    if (owner) chownSync(path, owner.uid, owner.gid);
  };
  chmodSync(root, 0o700);
  give(root);
  const run = (program: string, args: string[], timeoutMs: number) => {
    const command = asRoot ? "runuser" : join(options.bin, program);
    const argv = asRoot ? ["-u", SERVICE_USER, "--", join(options.bin, program), ...args] : args;
    return spawnSync(command, argv, {
      cwd: root,
      encoding: "utf8",
      timeout: timeoutMs,
      killSignal: "SIGKILL",
    });
  };
  const removeRoot = () => rmSync(root, { recursive: true, force: true });
  try {
    const pwfile = join(root, "pwfile");
    writeFileSync(pwfile, `${options.password}\n`, { mode: 0o600 });
    give(pwfile);
    const init = run(
      "initdb",
      [
        "-D",
        data,
        "-U",
        options.user,
        `--pwfile=${pwfile}`,
        "--auth=scram-sha-256",
        "-E",
        "UTF8",
        "--no-sync",
      ],
      120_000,
    );
    if (init.status !== 0) throw new Error(`initdb failed:\n${init.stdout}${init.stderr}`);
    for (const [name, pem] of [
      ["server.crt", options.cert],
      ["server.key", options.key],
    ] as const) {
      writeFileSync(join(data, name), pem, { mode: 0o600 });
      give(join(data, name));
    }
    writeFileSync(join(data, "pg_hba.conf"), "host all all 127.0.0.1/32 scram-sha-256\n");
    give(join(data, "pg_hba.conf"));
  } catch (error) {
    removeRoot();
    throw error;
  }

  const log = join(root, "postgres.log");
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    writeFileSync(
      join(data, "postgresql.auto.conf"),
      [
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        // The socket directory must be writable by the server: not /var/run/postgresql.
        `unix_socket_directories = '${root}'`,
        "ssl = on",
        "ssl_cert_file = 'server.crt'",
        "ssl_key_file = 'server.key'",
        "max_connections = 200",
        "fsync = off",
        "synchronous_commit = off",
        "full_page_writes = off",
        "",
      ].join("\n"),
    );
    give(join(data, "postgresql.auto.conf"));
    const start = run(
      "pg_ctl",
      ["start", "-D", data, "-l", log, "-w", "-t", String(START_TIMEOUT_S)],
      (START_TIMEOUT_S + 30) * 1000,
    );
    if (start.status === 0) {
      const pgCtlStop = [
        join(options.bin, "pg_ctl"),
        "stop",
        "-D",
        data,
        "-m",
        "immediate",
        "-w",
        "-t",
        "30",
      ];
      const watchdog = startWatchdog(
        asRoot ? ["runuser", "-u", SERVICE_USER, "--", ...pgCtlStop] : pgCtlStop,
        root,
      );
      let stopped = false;
      return {
        host: "127.0.0.1",
        port,
        stop() {
          if (stopped) return;
          stopped = true;
          run("pg_ctl", pgCtlStop.slice(1), 60_000);
          removeRoot();
          watchdog.stop();
        },
      };
    }
    let serverLog = "";
    try {
      serverLog = readFileSync(log, "utf8");
    } catch {}
    // Another process took the port between freePort() and the bind: try another.
    run("pg_ctl", ["stop", "-D", data, "-m", "immediate", "-w", "-t", "30"], 60_000);
    if (attempt < 3 && /could not bind|Address already in use/i.test(serverLog)) continue;
    removeRoot();
    throw new Error(
      `pg_ctl start failed:\n${start.stdout}${start.stderr}\n${serverLog.slice(-4000)}`,
    );
  }
}
