/**
 * The driver cases, run inside each runtime (Node, Deno, Bun, workerd) from a
 * bundle: web APIs and the drivers only. Results go out as the conformance
 * runner's result lines, so its subprocess runner reads them.
 */

/** What the orchestrator tells the runtime: the PostgreSQL to use and the servers that must fail. */
export interface DriverConfig {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** A loopback port nothing listens on. */
  refusedPort: number;
  /** Speak PostgreSQL's SSLRequest, then present a certificate for another hostname (trusted CA). */
  wrongNamePort: number;
  /** Speak PostgreSQL's SSLRequest, then present a certificate from a CA nobody trusts. */
  untrustedPort: number;
  /** Only cases whose name includes this text, when set. */
  grep?: string;
}

export type DriverCase = (config: DriverConfig) => Promise<void>;
export type DriverCases = Readonly<Record<string, DriverCase>>;

export const RESULT_PREFIX = "@@result ";
export const DONE_PREFIX = "@@done ";
const CASE_TIMEOUT_MS = 120_000;

export class CaseFailure extends Error {
  override name = "CaseFailure";
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CaseFailure(message);
}

export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CaseFailure(`timed out after ${ms} ms waiting for ${what}`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The rejection of `promise`; fails the case if it resolves. */
export async function failure(promise: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new CaseFailure(`${what}: expected a failure, but it succeeded`);
}

export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

export function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = codeOf(error);
    return `${error.name}${code ? ` [${code}]` : ""}: ${error.message}`;
  }
  return String(error);
}

/** 16 MiB of random bytes (getRandomValues fills at most 64 KiB per call). */
export function randomBytes(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let offset = 0; offset < size; offset += 65_536) {
    crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65_536)));
  }
  return bytes;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Runs every case of every driver in turn; prints one result line each, then the done line. */
export async function runDriverCases(
  drivers: Readonly<Record<string, DriverCases>>,
  config: DriverConfig,
  print: (line: string) => void,
): Promise<void> {
  for (const [driver, cases] of Object.entries(drivers)) {
    for (const [title, run] of Object.entries(cases)) {
      const name = `${driver}: ${title}`;
      if (config.grep && !name.includes(config.grep)) continue;
      const started = Date.now();
      let status = "pass";
      let detail: string | undefined;
      try {
        await within(run(config), CASE_TIMEOUT_MS, name);
      } catch (error) {
        status = "fail";
        detail = describe(error);
      }
      print(
        `${RESULT_PREFIX}${JSON.stringify({ name, status, detail, ms: Date.now() - started })}`,
      );
    }
  }
  print(`${DONE_PREFIX}{}`);
}
