import { describe, isHostname, isIPv6 } from "./address.js";
import { SocketErrorCode } from "./error-codes.js";
import { SocketError } from "./errors.js";
import type { ConnectHandler, ServeOptions } from "./server-types.js";

/** The listener's TLS, validated: what a backend hands its runtime's TLS server. */
export interface ServerTlsSettings {
  readonly cert: string;
  readonly key: string;
  readonly ca: readonly string[];
  readonly requestCert: boolean;
  readonly alpn: readonly string[];
}

/** node:tls server options, as plain data (core imports no runtime module). */
export interface NodeTlsServerOptions {
  cert: string;
  key: string;
  ca: string[] | undefined;
  requestCert: boolean;
  rejectUnauthorized: true;
  ALPNProtocols: string[] | undefined;
}

/**
 * The options of a `node:tls` server for the listener's TLS: used by the Node
 * backend and by Deno's node:tls path (server STARTTLS and mTLS), so both
 * verify client certificates the same way. The keypair goes in as
 * `cert`/`key`: a tls.Server builds its own context from them once and does
 * not use a `secureContext` option for the sockets it accepts (measured:
 * handshake failure, alert 40).
 */
export function nodeTlsServerOptions(tls: ServerTlsSettings): NodeTlsServerOptions {
  return {
    cert: tls.cert,
    key: tls.key,
    // Only the CA that client certificates must chain to: the default roots
    // would let any public certificate in.
    ca: tls.ca.length > 0 ? [...tls.ca] : undefined,
    requestCert: tls.requestCert,
    // Explicit: a requested certificate that does not verify refuses the handshake.
    rejectUnauthorized: true,
    ALPNProtocols: tls.alpn.length > 0 ? [...tls.alpn] : undefined,
  };
}

/** `serve()`'s options, validated and with defaults applied. */
export interface ResolvedServeOptions {
  /** IPv6 without brackets. */
  readonly hostname: string;
  readonly port: number;
  readonly secureTransport: "off" | "on" | "starttls";
  /** Set when `secureTransport` is `"on"` or `"starttls"`. */
  readonly tls: ServerTlsSettings | null;
  readonly allowHalfOpen: boolean;
  readonly signal: AbortSignal | undefined;
  readonly connect: ConnectHandler;
  readonly error: (error: unknown) => void;
}

const KNOWN = new Set([
  "hostname",
  "port",
  "secureTransport",
  "tls",
  "allowHalfOpen",
  "signal",
  "connect",
  "error",
]);
const KNOWN_TLS = new Set(["cert", "key", "ca", "requestCert", "alpn"]);

function invalid(message: string): SocketError {
  return new SocketError(SocketErrorCode.InvalidOption, message);
}

function own(o: object, key: string): unknown {
  return Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

function defaultError(error: unknown): void {
  console.error("serve(): a connection failed:", error);
}

/** Validates `serve()`'s options; throws a SocketError that names the bad one. */
export function resolveServeOptions(options: ServeOptions): ResolvedServeOptions {
  if (options === null || typeof options !== "object") {
    throw invalid(
      `serve() needs an options object with a connect(socket) handler, got ${describe(options)}.`,
    );
  }
  for (const key of Object.keys(options)) {
    // A typo such as `secureTransprt: "on"` would otherwise serve plain text.
    if (!KNOWN.has(key)) {
      throw invalid(`Unknown serve() option "${key}". Known options: ${[...KNOWN].join(", ")}.`);
    }
  }
  const connect = own(options, "connect");
  if (typeof connect !== "function") {
    throw invalid(`serve() needs a connect(socket) handler function, got ${describe(connect)}.`);
  }
  const error = own(options, "error") ?? defaultError;
  if (typeof error !== "function") {
    throw invalid(`serve()'s error option must be a function, got ${describe(error)}.`);
  }
  const rawHost = own(options, "hostname") ?? "127.0.0.1";
  const hostname =
    typeof rawHost === "string" && rawHost.startsWith("[") && rawHost.endsWith("]")
      ? rawHost.slice(1, -1)
      : rawHost;
  if (typeof hostname !== "string" || !(isHostname(hostname) || isIPv6(hostname))) {
    throw invalid(
      `serve()'s hostname must be a hostname or an IP address to listen on, got ${describe(rawHost)}.`,
    );
  }
  const port = own(options, "port") ?? 0;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw invalid(
      `serve()'s port must be an integer from 0 to 65535 (0 picks a free port), got ${describe(port)}.`,
    );
  }
  const mode = own(options, "secureTransport") ?? "off";
  if (mode !== "off" && mode !== "on" && mode !== "starttls") {
    throw invalid(
      `serve()'s secureTransport must be "off", "on" or "starttls", got ${describe(mode)}.`,
    );
  }
  const rawTls = own(options, "tls");
  let tls: ServerTlsSettings | null = null;
  if (mode === "off") {
    if (rawTls !== undefined) {
      throw invalid(
        'serve()\'s tls option needs secureTransport "on" or "starttls": with "off" the keypair would never be used.',
      );
    }
  } else {
    tls = resolveServerTls(rawTls, mode);
  }
  const allowHalfOpen = own(options, "allowHalfOpen") ?? false;
  if (typeof allowHalfOpen !== "boolean") {
    throw invalid(`serve()'s allowHalfOpen must be a boolean, got ${describe(allowHalfOpen)}.`);
  }
  const signal = own(options, "signal");
  if (
    signal !== undefined &&
    !(typeof signal === "object" && signal !== null && "aborted" in signal)
  ) {
    throw invalid(`serve()'s signal must be an AbortSignal, got ${describe(signal)}.`);
  }
  return {
    hostname,
    port,
    secureTransport: mode,
    tls,
    allowHalfOpen,
    signal: signal as AbortSignal | undefined,
    connect: connect as ConnectHandler,
    error: error as (error: unknown) => void,
  };
}

function resolveServerTls(value: unknown, mode: string): ServerTlsSettings {
  if (value === null || typeof value !== "object") {
    throw invalid(
      `serve() with secureTransport "${mode}" needs tls: { cert, key } (PEM strings), got ${describe(value)}.`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!KNOWN_TLS.has(key)) {
      throw invalid(
        `Unknown serve() TLS option "tls.${key}". Known: ${[...KNOWN_TLS].map((k) => `tls.${k}`).join(", ")}.`,
      );
    }
  }
  const pem = (name: string): string => {
    const v = own(value, name);
    if (typeof v !== "string" || !v.includes("-----BEGIN")) {
      throw invalid(`serve()'s tls.${name} must be a PEM string, got ${describe(v)}.`);
    }
    return v;
  };
  const cert = pem("cert");
  const key = pem("key");
  const rawCa = own(value, "ca");
  const caList = rawCa === undefined ? [] : typeof rawCa === "string" ? [rawCa] : rawCa;
  if (
    !Array.isArray(caList) ||
    caList.some((c) => typeof c !== "string" || !c.includes("-----BEGIN"))
  ) {
    throw invalid(
      `serve()'s tls.ca must be a PEM string or an array of them, got ${describe(rawCa)}.`,
    );
  }
  const requestCert = own(value, "requestCert") ?? false;
  if (typeof requestCert !== "boolean") {
    throw invalid(`serve()'s tls.requestCert must be a boolean, got ${describe(requestCert)}.`);
  }
  // Without a CA to check against, asking for a certificate would accept any
  // (or, on some runtimes, none): refuse rather than verify nothing.
  if (requestCert && caList.length === 0) {
    throw invalid(
      "serve()'s tls.requestCert needs tls.ca: the CA that client certificates must chain to.",
    );
  }
  const rawAlpn = own(value, "alpn") ?? [];
  if (
    !Array.isArray(rawAlpn) ||
    rawAlpn.some((p) => typeof p !== "string" || p.length === 0 || p.length > 255)
  ) {
    throw invalid(
      `serve()'s tls.alpn must be an array of protocol names, got ${describe(rawAlpn)}.`,
    );
  }
  return { cert, key, ca: caList as string[], requestCert, alpn: rawAlpn as string[] };
}
