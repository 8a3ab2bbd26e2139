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

/**
 * True when `error` is a SocketError from any copy of this package, optionally
 * with the given code. Matches on shape rather than `instanceof`.
 */
export function isSocketError(error: unknown, code?: SocketErrorCode): error is SocketError {
  if (!(error instanceof Error) || error.name !== "SocketError") return false;
  const actual = (error as { code?: unknown }).code;
  return typeof actual === "string" && (code === undefined || actual === code);
}
