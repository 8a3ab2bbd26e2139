import postgres from "postgres";
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

/** postgres.js, unmodified, through its Cloudflare build (`cf/`, over `cloudflare:sockets`). */
type Options = postgres.Options<Record<string, postgres.PostgresType>>;

function sql(config: DriverConfig, overrides: Options = {}): postgres.Sql {
  return postgres({
    host: config.host,
    port: config.port,
    user: config.user,
    pass: config.password,
    database: config.database,
    ssl: false,
    max: 1,
    connect_timeout: 30,
    onnotice: () => {},
    ...overrides,
  });
}

function end(s: postgres.Sql): Promise<void> {
  return within(s.end({ timeout: 5 }), 20_000, "sql.end()");
}

async function failsVerification(config: DriverConfig, port: number): Promise<void> {
  const s = sql(config, { port, ssl: "verify-full" });
  const error = await failure(within(s`SELECT 1`.then(), 20_000, "a query"), "a query");
  await end(s);
  check(codeOf(error) === TLS_FAILURE_CODE, `expected ${TLS_FAILURE_CODE}, got ${describe(error)}`);
}

export const postgresJsCases: DriverCases = {
  async [CASE.plain](config) {
    const s = sql(config);
    const rows = await s`SELECT 1 + 1 AS two, current_user AS who`;
    check(rows[0]?.two === 2, `SELECT 1 + 1 gave ${JSON.stringify(rows)}`);
    check(rows[0]?.who === config.user, `current_user ${rows[0]?.who}`);
    await end(s);
  },
  async [CASE.verifyFull](config) {
    const s = sql(config, { ssl: "verify-full" });
    const rows = await s`SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`;
    check(rows[0]?.ssl === true, `pg_stat_ssl says ${JSON.stringify(rows)}`);
    await end(s);
  },
  async [CASE.wrongName](config) {
    await failsVerification(config, config.wrongNamePort);
  },
  async [CASE.untrusted](config) {
    await failsVerification(config, config.untrustedPort);
  },
  async [CASE.refused](config) {
    const s = sql(config, { port: config.refusedPort });
    const error = await failure(within(s`SELECT 1`.then(), 20_000, "a query"), "a query");
    await end(s);
    check(codeOf(error) === "ECONNREFUSED", `expected ECONNREFUSED, got ${describe(error)}`);
  },
  async [CASE.auth](config) {
    const s = sql(config, { pass: `${config.password}-wrong` });
    const error = await failure(within(s`SELECT 1`.then(), 20_000, "a query"), "a query");
    check(codeOf(error) === "28P01", `expected 28P01, got ${describe(error)}`);
    await end(s);
  },
  async [CASE.pipelined](config) {
    const s = sql(config);
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => s`SELECT ${i}::int AS n`.then((rows) => rows[0]?.n)),
    );
    for (const [i, n] of results.entries()) check(n === i, `query ${i} gave ${n}`);
    await end(s);
  },
  async [CASE.bytea](config) {
    const s = sql(config);
    const sent = randomBytes(BYTEA_SIZE);
    const rows = await s`SELECT ${Buffer.from(sent.buffer, 0, sent.byteLength)}::bytea AS b`;
    const got = rows[0]?.b as Uint8Array | undefined;
    check(got instanceof Uint8Array, `result is ${typeof got}`);
    check(
      sameBytes(got, sent),
      `${got.byteLength} bytes back for ${sent.byteLength} sent, or different bytes`,
    );
    await end(s);
  },
  async [CASE.concurrent](config) {
    const clients = Array.from({ length: 20 }, () => sql(config));
    const pids = await Promise.all(
      clients.map(async (s) => (await s`SELECT pg_backend_pid() AS pid`)[0]?.pid as number),
    );
    check(new Set(pids).size === 20, `20 clients, ${new Set(pids).size} distinct backends`);
    await Promise.all(clients.map(end));
  },
  async [CASE.terminated](config) {
    const s = sql(config);
    await s`SELECT 1`;
    const error = await failure(
      within(s`SELECT pg_terminate_backend(pg_backend_pid())`.then(), 20_000, "query"),
      "a query whose backend is terminated",
    );
    // postgres.js reports the closed connection, not the server's 57P01
    // FatalError: its Node build over node:net does the same (measured).
    check(
      codeOf(error) === "CONNECTION_CLOSED",
      `expected CONNECTION_CLOSED, got ${describe(error)}`,
    );
    await end(s);
  },
};
