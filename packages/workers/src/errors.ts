import { isSocketError } from "@sockets/core";
import {
  type ErrorPhase,
  SocketError,
  SocketErrorCode,
  toSocketError,
} from "@sockets/core/backend";

/**
 * workerd's errors carry no code, only a message, and several failures share
 * one message. Each is mapped to the closest code that is still true:
 *
 * - "proxy request failed, cannot connect to the specified address": workerd
 *   says this for a refused connection, a destination its network policy
 *   blocks (`allow`/`deny`, Cloudflare ranges) and an untrusted or mismatched
 *   TLS certificate alike; only workerd's own log tells them apart. We cannot
 *   honestly say ECONNREFUSED or ERR_TLS_CERT, so it is ERR_CONNECTION_FAILED.
 * - "Network connection lost.": the connection dropped (a reset, or a TLS peer
 *   that closed without close_notify): ECONNRESET.
 * - "Connections to port 25 are prohibited": a platform rule: ERR_PERMISSION_DENIED.
 * - During startTls(), "internal error; reference = ..." is how workerd reports
 *   a failed handshake: ERR_TLS_HANDSHAKE (core's default for that phase).
 */
export function fromWorkerdError(error: unknown, address: string, phase: ErrorPhase): SocketError {
  if (isSocketError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const what =
    phase === "connect"
      ? `connecting to ${address} failed`
      : phase === "tls"
        ? `the TLS upgrade of the connection to ${address} failed`
        : `the connection to ${address} failed`;
  if (message.includes("proxy request failed")) {
    return new SocketError(
      SocketErrorCode.ConnectionFailed,
      `${what} (ERR_CONNECTION_FAILED): workerd reports a refused connection, a destination its network policy does not allow, and an untrusted TLS certificate with the same error; workerd's log names the reason. [${message}]`,
      { cause: error },
    );
  }
  if (message.includes("Network connection lost")) {
    return new SocketError(
      SocketErrorCode.ConnectionReset,
      `${what} (ECONNRESET): the connection was lost. [${message}]`,
      { cause: error },
    );
  }
  if (/port 25 are prohibited/i.test(message)) {
    return new SocketError(
      SocketErrorCode.PermissionDenied,
      `${what} (ERR_PERMISSION_DENIED): Cloudflare Workers may not connect to port 25. [${message}]`,
      { cause: error },
    );
  }
  return toSocketError(error, address, phase);
}
