import type { SocketErrorCode } from "./error-codes.js";

const PREFIX = "SocketError: ";

/**
 * The spec's SocketError: a `TypeError` whose message begins with
 * `"SocketError: "`, so code written against the spec or against workerd's
 * synchronous `TypeError`s keeps working. It adds a stable `code` and keeps the
 * runtime's own error as `cause`.
 */
export class SocketError extends TypeError {
  /** What failed, stable across runtimes: match on it (see {@link SocketErrorCode}). */
  readonly code: SocketErrorCode;

  constructor(code: SocketErrorCode, message: string, options?: { cause?: unknown }) {
    super(message.startsWith(PREFIX) ? message : PREFIX + message, options);
    this.name = "SocketError";
    this.code = code;
  }
}

const STACK_LIMIT_COSTS_MORE = typeof (globalThis as { Deno?: unknown }).Deno === "object";

/**
 * A SocketError made without capturing a stack trace, for errors made inside
 * a runtime's event callback (the peer's FIN, the connection closing): their
 * stack would list only the event loop's internals, and capturing it is most
 * of what making an error costs on Node (apps/bench FINDINGS.md, change 35).
 * Name, code, message and cause are those `new SocketError(...)` gives. V8
 * (Node, Deno, workerd) reads `Error.stackTraceLimit` when an error is
 * constructed (https://v8.dev/docs/stack-trace-api); so does JSC (Bun), which
 * then leaves `stack` undefined, so it is set to the error's first line, as
 * V8 prints it.
 */
export function quietSocketError(code: SocketErrorCode, message: string): SocketError {
  const errors = Error as { stackTraceLimit?: unknown };
  const limit = errors.stackTraceLimit;
  // Someone turned stack traces off (or made the limit odd): leave it alone.
  // Deno: changing the limit inside a microtask costs more than it saves
  // (2.4 → 5.1 µs per error, Deno 2.9.6; FINDINGS.md change 35).
  if (typeof limit !== "number" || STACK_LIMIT_COSTS_MORE) return new SocketError(code, message);
  errors.stackTraceLimit = 0;
  let error: SocketError;
  try {
    error = new SocketError(code, message);
  } finally {
    errors.stackTraceLimit = limit;
  }
  // Reading `stack` on V8 formats it at once (on Node, through its
  // prepareStackTrace hook: 1.07 → 0.62 µs per error on Node 20 without the
  // read), so it is read only until the runtime has shown whether it leaves a
  // limited stack undefined (JSC) or not (V8, which formats it when asked).
  if (stackLeftUndefined === null) stackLeftUndefined = error.stack === undefined;
  if (stackLeftUndefined) error.stack = `${error.name}: ${error.message}`;
  return error;
}

/** Whether the runtime leaves `stack` undefined on an error made with stackTraceLimit 0; null until the first one. */
let stackLeftUndefined: boolean | null = null;

/**
 * True when `error` is a SocketError from any copy of this package, optionally
 * with the given code. Matches on shape rather than `instanceof`.
 */
export function isSocketError(error: unknown, code?: SocketErrorCode): error is SocketError {
  if (!(error instanceof Error) || error.name !== "SocketError") return false;
  const actual = (error as { code?: unknown }).code;
  return typeof actual === "string" && (code === undefined || actual === code);
}
