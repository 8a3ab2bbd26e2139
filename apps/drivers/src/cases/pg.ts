import pg from "pg";
import {
  check,
  codeOf,
  type DriverCases,
  type DriverConfig,
  describe,
  failure,
  randomBytes,
  sameBytes,
  within,
} from "./harness.js";
import { BYTEA_SIZE, CASE, TLS_FAILURE_CODE } from "./names.js";

/**
 * node-postgres (`pg`) with `pg-cloudflare`, unmodified: pg talks to
 * `cloudflare:sockets` through pg-cloudflare's CloudflareSocket.
 */
type Overrides = Partial<pg.ClientConfig>;

/** pg chooses its socket itself (pg/lib/stream.js): make sure it chose pg-cloudflare. */
function checkUsesPgCloudflare(c: pg.Client): void {
  const stream = (c as unknown as { connection: { stream: object } }).connection.stream;
  check(
    stream.constructor.name === "CloudflareSocket",
    `pg used ${stream.constructor.name}, not pg-cloudflare`,
  );
}

function client(config: DriverConfig, overrides: Overrides = {}): pg.Client {
  return new pg.Client({
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    ssl: false,
    ...overrides,
  });
}

/** end() must return (issue 11: it hung after a failure, waiting on close()). */
function end(c: pg.Client): Promise<void> {
  return within(c.end(), 20_000, "client.end()");
}

async function failsVerification(config: DriverConfig, port: number): Promise<void> {
  const c = client(config, { port, ssl: { rejectUnauthorized: true } });
  c.on("error", () => {});
  const error = await failure(within(c.connect(), 20_000, "connect()"), "connect()");
  await end(c);
  check(codeOf(error) === TLS_FAILURE_CODE, `expected ${TLS_FAILURE_CODE}, got ${describe(error)}`);
}

export const pgCases: DriverCases = {
  async [CASE.plain](config) {
    const c = client(config);
    await c.connect();
    checkUsesPgCloudflare(c);
    const { rows } = await c.query("SELECT 1 + 1 AS two, current_user AS who");
    check(rows[0]?.two === 2, `SELECT 1 + 1 gave ${JSON.stringify(rows)}`);
    check(rows[0]?.who === config.user, `current_user ${rows[0]?.who}`);
    await end(c);
  },
  async [CASE.verifyFull](config) {
    const c = client(config, { ssl: { rejectUnauthorized: true } });
    await c.connect();
    checkUsesPgCloudflare(c);
    const { rows } = await c.query(
      "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
    );
    check(rows[0]?.ssl === true, `pg_stat_ssl says ${JSON.stringify(rows)}`);
    await end(c);
  },
  async [CASE.wrongName](config) {
    await failsVerification(config, config.wrongNamePort);
  },
  async [CASE.untrusted](config) {
    await failsVerification(config, config.untrustedPort);
  },
  async [CASE.refused](config) {
    const c = client(config, { port: config.refusedPort });
    c.on("error", () => {});
    const error = await failure(within(c.connect(), 20_000, "connect()"), "connect()");
    await end(c);
    check(codeOf(error) === "ECONNREFUSED", `expected ECONNREFUSED, got ${describe(error)}`);
  },
  async [CASE.auth](config) {
    const c = client(config, { password: `${config.password}-wrong` });
    c.on("error", () => {});
    const error = await failure(within(c.connect(), 20_000, "connect()"), "connect()");
    check(codeOf(error) === "28P01", `expected 28P01, got ${describe(error)}`);
    await end(c);
  },
  async [CASE.pipelined](config) {
    const c = client(config);
    await c.connect();
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => c.query("SELECT $1::int AS n", [i])),
    );
    for (const [i, result] of results.entries()) {
      check(result.rows[0]?.n === i, `query ${i} gave ${JSON.stringify(result.rows)}`);
    }
    await end(c);
  },
  async [CASE.bytea](config) {
    const c = client(config);
    await c.connect();
    const sent = randomBytes(BYTEA_SIZE);
    const { rows } = await c.query("SELECT $1::bytea AS b", [
      Buffer.from(sent.buffer, 0, sent.byteLength),
    ]);
    const got = rows[0]?.b as Uint8Array | undefined;
    check(got instanceof Uint8Array, `result is ${typeof got}`);
    check(
      sameBytes(got, sent),
      `${got.byteLength} bytes back for ${sent.byteLength} sent, or different bytes`,
    );
    await end(c);
  },
  async [CASE.concurrent](config) {
    const clients = Array.from({ length: 20 }, () => client(config));
    await Promise.all(clients.map((c) => c.connect()));
    const pids = await Promise.all(
      clients.map(
        async (c) => (await c.query("SELECT pg_backend_pid() AS pid")).rows[0]?.pid as number,
      ),
    );
    check(new Set(pids).size === 20, `20 clients, ${new Set(pids).size} distinct backends`);
    await Promise.all(clients.map(end));
  },
  async [CASE.terminated](config) {
    const c = client(config);
    const reported: unknown[] = [];
    c.on("error", (error) => reported.push(error));
    await c.connect();
    const error = await failure(
      within(c.query("SELECT pg_terminate_backend(pg_backend_pid())"), 20_000, "query"),
      "a query whose backend is terminated",
    );
    // 57P01 admin_shutdown: pg hands the server's FATAL error to the query.
    const codes = [error, ...reported].map(codeOf);
    check(
      codes.includes("57P01"),
      `expected 57P01, got ${[error, ...reported].map(describe).join("; ")}`,
    );
    await end(c);
  },
};
