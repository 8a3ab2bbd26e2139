import { SocketErrorCode } from "./error-codes.js";
import { SocketError } from "./errors.js";
import type { SecureTransport } from "./types.js";

/**
 * The spec's startTls() preconditions, in one place for every Socket (core's
 * and the workerd passthrough): only on a "starttls" socket, only once, and
 * not after close(). Throws the SocketError that names the reason.
 */
export function assertCanStartTls(
  secureTransport: SecureTransport,
  alreadyCalled: boolean,
  closed: boolean,
): void {
  if (secureTransport === "on") {
    throw new SocketError(
      SocketErrorCode.InvalidState,
      "Cannot startTls() on a TLS socket: it is already encrypted.",
    );
  }
  if (secureTransport !== "starttls") {
    throw new SocketError(
      SocketErrorCode.InvalidState,
      `startTls() needs the socket to be opened with secureTransport: "starttls" (this one is "${secureTransport}").`,
    );
  }
  if (alreadyCalled) {
    throw new SocketError(
      SocketErrorCode.InvalidState,
      "startTls() has already been called on this socket: use the socket it returned.",
    );
  }
  if (closed) {
    throw new SocketError(
      SocketErrorCode.InvalidState,
      "The connection was closed before startTls() could be started.",
    );
  }
}
