/** Minimal assertions with clear messages, on any runtime. */

export class AssertionError extends Error {
  override name = "AssertionError";
}

/** A `within()` bound that expired; `what` names what the case waited for. */
export class SuiteTimeout extends Error {
  override name = "SuiteTimeout";
  constructor(
    readonly what: string,
    ms: number,
  ) {
    super(`timed out after ${ms} ms waiting for ${what}`);
  }
}

export function fail(message: string, cause?: unknown): never {
  throw new AssertionError(message, cause === undefined ? undefined : { cause });
}

export function ok(value: unknown, message: string): asserts value {
  if (!value) fail(message);
}

export function equal<T>(actual: T, expected: T, what: string): void {
  if (!Object.is(actual, expected)) {
    fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

export function deepEqual(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) fail(`${what}: expected ${e}, got ${a}`);
}

/**
 * The error must be a SocketError: a TypeError, message prefixed "SocketError: ",
 * with this code. A mismatch carries the error as its `cause`, so a known gap
 * can name the code that was found instead.
 */
export function isSocketErrorWith(error: unknown, code: string, what: string): void {
  if (!(error instanceof Error)) fail(`${what}: expected an Error, got ${show(error)}`, error);
  const e = error as Error & { code?: unknown };
  if (!(error instanceof TypeError))
    fail(`${what}: expected a TypeError, got ${e.name}: ${e.message}`, error);
  if (e.name !== "SocketError")
    fail(`${what}: error name: expected "SocketError", got ${show(e.name)}`, error);
  if (!e.message.startsWith("SocketError: "))
    fail(`${what}: message should start with "SocketError: ", got ${show(e.message)}`, error);
  if (e.code !== code)
    fail(
      `${what}: error code (message: ${e.message}): expected ${show(code)}, got ${show(e.code)}`,
      error,
    );
}

export function throwsCode(fn: () => unknown, code: string, what: string): Error {
  try {
    fn();
  } catch (error) {
    isSocketErrorWith(error, code, what);
    return error as Error;
  }
  return fail(`${what}: expected a synchronous SocketError ${code}, but nothing was thrown`);
}

export async function rejectsCode(
  promise: Promise<unknown>,
  code: string,
  what: string,
): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    isSocketErrorWith(error, code, what);
    return error as Error;
  }
  return fail(`${what}: expected a rejection with ${code}, but it resolved`);
}

export async function rejects(promise: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return fail(`${what}: expected a rejection, but it resolved`);
}

function show(value: unknown): string {
  if (typeof value === "string")
    return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}...` : value);
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
