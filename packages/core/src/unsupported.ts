import { SocketErrorCode } from "./error-codes.js";
import { SocketError } from "./errors.js";

/**
 * The error a backend throws when it is loaded on the wrong host, and the
 * universal entry throws on hosts with no TCP (browsers, edge runtimes).
 */
export function unsupportedRuntime(needs: string, detail?: string): SocketError {
  return new SocketError(
    SocketErrorCode.UnsupportedRuntime,
    `${needs}${detail ? ` ${detail}` : ""} Import "@sockets/connect" and let its export conditions pick the backend, or choose one explicitly: "@sockets/connect/node", "@sockets/connect/deno", "@sockets/connect/bun", "@sockets/connect/workers".`,
  );
}
