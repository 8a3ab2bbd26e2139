import { describe, isHostname, isIPv6 } from "./address.js";
import { SocketErrorCode } from "./error-codes.js";
import { isSocketError, SocketError } from "./errors.js";
import { ownElements, ownProperties } from "./own.js";
import type { SecureTransport, SocketOptions } from "./types.js";

/** TLS settings a backend applies when it starts a handshake. */
export interface TlsSettings {
  /** Name sent as SNI and checked against the certificate (an IP literal is checked against IP SANs and sends no SNI). */
  readonly serverName: string;
  /** ALPN protocols in preference order; empty when none. */
  readonly alpn: readonly string[];
  /** Extra PEM CAs, added to the runtime's default roots. */
  readonly ca: readonly string[];
  readonly cert: string | undefined;
  readonly key: string | undefined;
}

/** `connect()`'s options, validated and with defaults applied. */
export interface ResolvedOptions {
  readonly secureTransport: SecureTransport;
  readonly allowHalfOpen: boolean;
  readonly sni: string | undefined;
  readonly alpn: readonly string[];
  readonly highWaterMark: number;
  readonly ca: readonly string[];
  readonly cert: string | undefined;
  readonly key: string | undefined;
  readonly signal: AbortSignal | undefined;
  readonly connectTimeout: number | undefined;
  readonly noDelay: boolean;
  /** `false`, or the keep-alive initial delay in milliseconds (0: the system default). */
  readonly keepAlive: false | number;
}

export const DEFAULT_HIGH_WATER_MARK = 64 * 1024;

const KNOWN_OPTIONS = new Set([
  "secureTransport",
  "allowHalfOpen",
  "sni",
  "alpn",
  "highWaterMark",
  "tls",
  "signal",
  "connectTimeout",
  "noDelay",
  "keepAlive",
]);
const KNOWN_TLS_OPTIONS = new Set(["ca", "cert", "key"]);
const MODES: readonly SecureTransport[] = ["off", "on", "starttls"];

/**
 * The longest delay timers honour: setTimeout clamps anything above 2^31 - 1 ms
 * to 1 ms (https://developer.mozilla.org/en-US/docs/Web/API/Window/setTimeout#maximum_delay_value),
 * so a larger connectTimeout would fire at once (issue 9, defect 5).
 */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function invalid(message: string, cause?: unknown): SocketError {
  return new SocketError(
    SocketErrorCode.InvalidOption,
    message,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Validates `connect()`'s options; throws a SocketError that names the bad
 * option. Only own properties count (see own.ts), and an options object that
 * throws while being read (a getter, a Proxy trap) is an invalid option too.
 */
export function resolveOptions(options: SocketOptions | undefined): ResolvedOptions {
  try {
    return resolve(options);
  } catch (error) {
    if (isSocketError(error)) throw error;
    throw invalid(
      `Reading connect()'s options threw (${error instanceof Error ? error.message : "a non-Error value"}): pass a plain object.`,
      error,
    );
  }
}

/**
 * What no options resolve to: one frozen object for every socket opened with
 * `connect(address)`, the commonest call, so it skips the checks below.
 */
const DEFAULT_OPTIONS: ResolvedOptions = Object.freeze({
  secureTransport: "off",
  allowHalfOpen: false,
  sni: undefined,
  alpn: Object.freeze([]),
  highWaterMark: DEFAULT_HIGH_WATER_MARK,
  ca: Object.freeze([]),
  cert: undefined,
  key: undefined,
  signal: undefined,
  connectTimeout: undefined,
  noDelay: true,
  keepAlive: false,
});

function resolve(input: SocketOptions | undefined): ResolvedOptions {
  if (input === undefined || input === null) return DEFAULT_OPTIONS;
  if (typeof input !== "object") {
    throw invalid(`connect()'s options must be an object, got ${describe(input)}.`);
  }
  const o = ownProperties(input);
  for (const key of Object.keys(o)) {
    // An unknown key is most often a typo (`secureTransprt: "on"`): ignoring it
    // would silently connect in plain text.
    if (!KNOWN_OPTIONS.has(key)) {
      throw invalid(`Unknown option "${key}". Known options: ${[...KNOWN_OPTIONS].join(", ")}.`);
    }
  }
  const secureTransport = o.secureTransport ?? "off";
  if (typeof secureTransport !== "string" || !MODES.includes(secureTransport as SecureTransport)) {
    throw invalid(
      `Unsupported value in secureTransport socket option: ${describe(secureTransport)}. Use "off", "on" or "starttls".`,
    );
  }
  const mode = secureTransport as SecureTransport;
  const tlsAllowed = mode !== "off";
  const allowHalfOpen = optionalBoolean(o.allowHalfOpen, "allowHalfOpen", false);

  let sni: string | undefined;
  if (o.sni !== undefined && o.sni !== null) {
    if (!tlsAllowed) throw tlsOnly("sni");
    if (typeof o.sni !== "string" || !(isHostname(o.sni) || isIPv6(o.sni))) {
      throw invalid(`The sni option must be a hostname, got ${describe(o.sni)}.`);
    }
    sni = o.sni;
  }

  let alpn: readonly string[] = [];
  if (o.alpn !== undefined && o.alpn !== null) {
    if (!tlsAllowed) throw tlsOnly("alpn");
    alpn = validateAlpn(o.alpn);
  }

  let highWaterMark = DEFAULT_HIGH_WATER_MARK;
  if (o.highWaterMark !== undefined) {
    const value = typeof o.highWaterMark === "bigint" ? Number(o.highWaterMark) : o.highWaterMark;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw invalid(
        `The highWaterMark option must be a non-negative number of bytes, got ${describe(o.highWaterMark)}.`,
      );
    }
    highWaterMark = value;
  }

  let ca: readonly string[] = [];
  let cert: string | undefined;
  let key: string | undefined;
  if (o.tls !== undefined && o.tls !== null) {
    if (!tlsAllowed) throw tlsOnly("tls");
    if (typeof o.tls !== "object") {
      throw invalid(`The tls option must be an object { ca, cert, key }, got ${describe(o.tls)}.`);
    }
    const t = ownProperties(o.tls);
    for (const k of Object.keys(t)) {
      if (!KNOWN_TLS_OPTIONS.has(k)) {
        throw invalid(
          `Unknown TLS option "tls.${k}". Known: tls.ca, tls.cert, tls.key. Certificate checks cannot be turned off.`,
        );
      }
    }
    ca = validateCa(t.ca);
    cert = optionalPem(t.cert, "tls.cert");
    key = optionalPem(t.key, "tls.key");
    if ((cert === undefined) !== (key === undefined)) {
      throw invalid("The tls.cert and tls.key options go together: pass both for mutual TLS.");
    }
  }

  let signal: AbortSignal | undefined;
  if (o.signal !== undefined && o.signal !== null) {
    if (!isAbortSignal(o.signal)) {
      throw invalid(`The signal option must be an AbortSignal, got ${describe(o.signal)}.`);
    }
    signal = o.signal;
  }

  let connectTimeout: number | undefined;
  if (o.connectTimeout !== undefined && o.connectTimeout !== null) {
    const t = o.connectTimeout;
    if (typeof t !== "number" || !Number.isFinite(t) || t <= 0 || t > MAX_TIMEOUT_MS) {
      throw invalid(
        `The connectTimeout option must be a positive number of milliseconds up to ${MAX_TIMEOUT_MS} (about 24.8 days), got ${describe(t)}.`,
      );
    }
    connectTimeout = t;
  }

  const noDelay = optionalBoolean(o.noDelay, "noDelay", true);
  let keepAlive: false | number = false;
  if (o.keepAlive !== undefined && o.keepAlive !== null && o.keepAlive !== false) {
    if (o.keepAlive === true) keepAlive = 0;
    else if (typeof o.keepAlive === "number" && Number.isFinite(o.keepAlive) && o.keepAlive >= 0) {
      keepAlive = o.keepAlive;
    } else {
      throw invalid(
        `The keepAlive option must be a boolean or an initial delay in milliseconds, got ${describe(o.keepAlive)}.`,
      );
    }
  }

  return {
    secureTransport: mode,
    allowHalfOpen,
    sni,
    alpn,
    highWaterMark,
    ca,
    cert,
    key,
    signal,
    connectTimeout,
    noDelay,
    keepAlive,
  };
}

/** The TLS settings for a handshake to `hostname` under these options. */
/**
 * The `expectedServerHostname` of `startTls()`'s options, validated like
 * `sni`, or undefined when not given. Only that own property is read: drivers
 * pass their whole TLS config here (pg-cloudflare hands over pg's `ssl`
 * object), and nothing in it may change what is verified but that name.
 */
export function startTlsServerName(options: unknown): string | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== "object") {
    throw invalid(`startTls()'s options must be an object, got ${describe(options)}.`);
  }
  let name: unknown;
  try {
    name = ownProperties(options).expectedServerHostname;
  } catch (error) {
    throw invalid("Reading startTls()'s options threw: pass a plain object.", error);
  }
  if (name === undefined || name === null) return undefined;
  if (typeof name !== "string" || !(isHostname(name) || isIPv6(name))) {
    throw invalid(`startTls()'s expectedServerHostname must be a hostname, got ${describe(name)}.`);
  }
  return name;
}

/** What a TLS handshake verifies and offers; `expectedServerHostname` (startTls()) outranks `sni`. */
export function tlsSettings(
  options: ResolvedOptions,
  hostname: string,
  expectedServerHostname?: string,
): TlsSettings {
  return {
    serverName: expectedServerHostname ?? options.sni ?? hostname,
    alpn: options.alpn,
    ca: options.ca,
    cert: options.cert,
    key: options.key,
  };
}

function tlsOnly(name: string): SocketError {
  return invalid(
    `The ${name} option applies to TLS only: set secureTransport to "on" or "starttls" to use it.`,
  );
}

function optionalBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "boolean") {
    throw invalid(`The ${name} option must be a boolean, got ${describe(value)}.`);
  }
  return value;
}

function validateAlpn(value: unknown): readonly string[] {
  if (!Array.isArray(value)) {
    throw invalid(`The alpn option must be an array of protocol names, got ${describe(value)}.`);
  }
  const items = ownElements(value);
  const encoder = new TextEncoder();
  for (const item of items) {
    // RFC 7301: each protocol name is 1 to 255 bytes.
    if (typeof item !== "string" || item.length === 0 || encoder.encode(item).length > 255) {
      throw invalid(
        `Each alpn protocol must be a non-empty string of at most 255 bytes, got ${describe(item)}.`,
      );
    }
  }
  return Object.freeze(items as string[]);
}

function validateCa(value: unknown): readonly string[] {
  if (value === undefined || value === null) return [];
  const list = typeof value === "string" ? [value] : Array.isArray(value) ? ownElements(value) : [];
  if (list.length === 0) {
    throw invalid(
      `The tls.ca option must be a PEM string or a non-empty array of them, got ${describe(value)}.`,
    );
  }
  return Object.freeze(list.map((pem, i) => requirePem(pem, `tls.ca[${i}]`)));
}

function optionalPem(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  return requirePem(value, name);
}

function requirePem(value: unknown, name: string): string {
  if (typeof value !== "string" || !value.includes("-----BEGIN ")) {
    throw invalid(
      `The ${name} option must be PEM text ("-----BEGIN ..."), got ${describe(value)}; read the file yourself and pass its contents.`,
    );
  }
  return value;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as AbortSignal).aborted === "boolean" &&
    typeof (value as AbortSignal).addEventListener === "function"
  );
}
