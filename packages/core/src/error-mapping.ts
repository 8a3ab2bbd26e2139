import { SocketErrorCode } from "./error-codes.js";
import { isSocketError, SocketError } from "./errors.js";

/** Where in the socket's life an error happened; it shapes the message. */
export type ErrorPhase = "connect" | "tls" | "io";

// Node and Bun report OpenSSL verification failures with these codes
// (https://nodejs.org/api/tls.html#x509-certificate-error-codes).
const CERT_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_REVOKED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "HOSTNAME_MISMATCH",
  "INVALID_CA",
  "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
  "CERT_SIGNATURE_FAILURE",
]);

// Deno reports errors by class name (https://docs.deno.com/api/deno/~/Deno.errors).
const DENO_NAMES: Record<string, SocketErrorCode> = {
  ConnectionRefused: SocketErrorCode.ConnectionRefused,
  ConnectionReset: SocketErrorCode.ConnectionReset,
  ConnectionAborted: SocketErrorCode.ConnectionReset,
  BrokenPipe: SocketErrorCode.ConnectionReset,
  TimedOut: SocketErrorCode.TimedOut,
  NotCapable: SocketErrorCode.PermissionDenied,
  PermissionDenied: SocketErrorCode.PermissionDenied,
  AddrNotAvailable: SocketErrorCode.HostUnreachable,
  NotFound: SocketErrorCode.NotFound,
  // The peer closed during the TLS handshake: Node and Bun report ECONNRESET
  // for the same failure (issue 9, defect 10). Reads of an established TLS
  // connection treat it as EOF before it gets here (deno transport.ts).
  UnexpectedEof: SocketErrorCode.ConnectionReset,
};

const ERRNO_CODES: Record<string, SocketErrorCode> = {
  ECONNREFUSED: SocketErrorCode.ConnectionRefused,
  ECONNRESET: SocketErrorCode.ConnectionReset,
  ECONNABORTED: SocketErrorCode.ConnectionReset,
  EPIPE: SocketErrorCode.ConnectionReset,
  ETIMEDOUT: SocketErrorCode.TimedOut,
  EHOSTUNREACH: SocketErrorCode.HostUnreachable,
  EHOSTDOWN: SocketErrorCode.HostUnreachable,
  ENETUNREACH: SocketErrorCode.NetworkUnreachable,
  EADDRNOTAVAIL: SocketErrorCode.HostUnreachable,
  ENOTFOUND: SocketErrorCode.NotFound,
  EAI_AGAIN: SocketErrorCode.NotFound,
  EAI_NONAME: SocketErrorCode.NotFound,
  EAI_FAIL: SocketErrorCode.NotFound,
  ERR_SOCKET_CONNECTION_TIMEOUT: SocketErrorCode.TimedOut,
};

const HINTS: Partial<Record<SocketErrorCode, string>> = {
  ECONNREFUSED: "is a server listening on that address and port?",
  ECONNRESET: "the peer reset the connection.",
  ETIMEDOUT: "the peer did not answer in time.",
  EHOSTUNREACH: "no route to that host.",
  ENETUNREACH: "no route to that network.",
  ENOTFOUND: "the hostname could not be resolved.",
  ERR_PERMISSION_DENIED:
    "the runtime's permissions do not allow this connection (Deno: --allow-net).",
  ERR_TLS_CERT:
    "the server's certificate is not trusted for this name; pass its CA in tls.ca, or set sni to the name on the certificate.",
  ERR_TLS_HANDSHAKE: "the TLS handshake failed.",
};

/** The stable code for a runtime's error, or null when it is not recognised. */
export function codeOf(error: unknown): SocketErrorCode | null {
  if (isSocketError(error)) return error.code;
  if (typeof error !== "object" || error === null) return null;
  const e = error as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof e.code === "string") {
    if (CERT_CODES.has(e.code)) return SocketErrorCode.TlsCertificate;
    const mapped = ERRNO_CODES[e.code];
    if (mapped) return mapped;
    if (e.code.startsWith("ERR_SSL_") || e.code.startsWith("ERR_TLS_")) {
      return SocketErrorCode.TlsHandshake;
    }
  }
  if (typeof e.name === "string" && e.name !== "Error") {
    if (
      e.name === "InvalidData" &&
      typeof e.message === "string" &&
      /certificate/i.test(e.message)
    ) {
      return SocketErrorCode.TlsCertificate;
    }
    const mapped = DENO_NAMES[e.name];
    if (mapped) return mapped;
  }
  if (typeof e.message === "string" && /certificate|self[- ]signed/i.test(e.message)) {
    return SocketErrorCode.TlsCertificate;
  }
  // Deno reports a failed name lookup as a plain Error with getaddrinfo's
  // text; Node and Bun say ENOTFOUND (issue 9, defect 10).
  if (typeof e.message === "string" && /failed to lookup address information/i.test(e.message)) {
    return SocketErrorCode.NotFound;
  }
  return null;
}

/**
 * Wraps a runtime's error in a SocketError with a stable code, a message that
 * says what failed and on which address, and the original as `cause`.
 */
export function toSocketError(error: unknown, address: string, phase: ErrorPhase): SocketError {
  if (isSocketError(error)) return error;
  const code =
    codeOf(error) ??
    (phase === "tls" ? SocketErrorCode.TlsHandshake : SocketErrorCode.ConnectionFailed);
  const detail = error instanceof Error ? error.message : String(error);
  const what =
    phase === "connect"
      ? `connecting to ${address} failed`
      : phase === "tls"
        ? `the TLS handshake with ${address} failed`
        : `the connection to ${address} failed`;
  const hint = HINTS[code];
  return new SocketError(code, `${what} (${code}): ${hint ? `${hint} ` : ""}[${detail}]`, {
    cause: error,
  });
}
