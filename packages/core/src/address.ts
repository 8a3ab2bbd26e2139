import { SocketErrorCode } from "./error-codes.js";
import { isSocketError, SocketError } from "./errors.js";
import { ownProperty } from "./own.js";
import type { AnySocketAddress } from "./types.js";

/** A validated destination. */
export interface ParsedAddress {
  /** The host as the runtime's connect call wants it: IPv6 without brackets. */
  readonly hostname: string;
  readonly port: number;
  /** True for an IPv6 literal. */
  readonly ipv6: boolean;
  /** `"host:port"` with IPv6 in brackets, for messages and `SocketInfo`. */
  readonly display: string;
}

// workerd accepts only these characters in an address and caps it at 255
// (cloudflare/workerd src/workerd/api/sockets.c++ isValidHost).
const ADDRESS_CHARS = /^[A-Za-z0-9\-._[\]:]+$/;
const MAX_ADDRESS_LENGTH = 255;
// RFC 1035 limits; `_` is allowed as workerd allows it (service records use it).
const MAX_HOSTNAME_LENGTH = 253;
const LABEL = "[A-Za-z0-9_](?:[A-Za-z0-9\\-_]{0,61}[A-Za-z0-9_])?";
/** Labels separated by dots, with an optional trailing dot. */
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`);
const DIGITS = /^[0-9]+$/;

function invalid(message: string, cause?: unknown): SocketError {
  return new SocketError(
    SocketErrorCode.InvalidAddress,
    message,
    cause === undefined ? undefined : { cause },
  );
}

/** Formats `host:port`, bracketing IPv6. */
export function formatHostPort(hostname: string, port: number): string {
  return hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}

/**
 * Parses and validates what `connect()` was given. Throws a SocketError naming
 * the problem, also when reading the address throws (a getter, a Proxy trap).
 */
export function parseAddress(address: AnySocketAddress): ParsedAddress {
  try {
    return parse(address);
  } catch (error) {
    if (isSocketError(error)) throw error;
    throw invalid(
      `Reading the address threw (${error instanceof Error ? error.message : "a non-Error value"}): pass "host:port" or a plain { hostname, port } object.`,
      error,
    );
  }
}

function parse(address: AnySocketAddress): ParsedAddress {
  if (typeof address === "string") return parseAddressString(address);
  if (address === null || typeof address !== "object") {
    throw invalid(
      `connect() needs an address: a "host:port" string or { hostname, port }, got ${describe(address)}.`,
    );
  }
  // Own properties only: an inherited Object.prototype.hostname must not
  // pick the destination (issue 9, defect 3).
  const hostname = ownProperty(address, "hostname");
  const port = ownProperty(address, "port");
  if (typeof hostname !== "string" || hostname.length === 0) {
    throw invalid(
      `The address is missing a hostname: pass { hostname, port } with a non-empty string hostname (got ${describe(hostname)}).`,
    );
  }
  return validated(unbracket(hostname, hostname), parsePort(port, hostname));
}

function parseAddressString(address: string): ParsedAddress {
  if (address.length === 0) throw invalid('The address is empty: pass "host:port".');
  if (address.length > MAX_ADDRESS_LENGTH || !ADDRESS_CHARS.test(address)) {
    throw invalid(
      `The address "${truncate(address)}" is too long or has characters other than letters, digits, "-", ".", "_", "[", "]" and ":". Pass "host:port" (IPv6 as "[::1]:5432"); paths, schemes and spaces are not allowed.`,
    );
  }
  let host: string;
  let portText: string;
  if (address.startsWith("[")) {
    const close = address.indexOf("]");
    if (close === -1) throw invalid(`The address "${address}" opens "[" but never closes it.`);
    host = address.slice(1, close);
    const rest = address.slice(close + 1);
    if (rest === "") {
      throw invalid(
        `The address "${address}" is missing a port: pass "[${host}]:PORT"; there is no default port.`,
      );
    }
    if (!rest.startsWith(":")) {
      throw invalid(
        `The address "${address}" has unexpected text after "]": pass "[${host}]:PORT".`,
      );
    }
    portText = rest.slice(1);
    if (!host.includes(":")) {
      throw invalid(`The address "${address}" puts "${host}", which is not IPv6, in brackets.`);
    }
  } else {
    const colon = address.lastIndexOf(":");
    if (colon === -1) {
      throw invalid(
        `The address "${address}" is missing a port: pass "${address}:PORT"; there is no default port.`,
      );
    }
    host = address.slice(0, colon);
    portText = address.slice(colon + 1);
    if (host.includes(":")) {
      throw invalid(
        `The address "${address}" looks like a bare IPv6 address: put it in brackets, as "[${host}]:${portText || "PORT"}".`,
      );
    }
  }
  if (host.length === 0) {
    throw invalid(`The address "${address}" is missing a hostname: pass "host:port".`);
  }
  if (portText.length === 0) {
    throw invalid(
      `The address "${address}" is missing a port after ":"; there is no default port.`,
    );
  }
  if (!DIGITS.test(portText)) {
    throw invalid(`The port in "${address}" is not a number: "${portText}".`);
  }
  return validated(host, checkPortRange(Number(portText), address));
}

function parsePort(port: unknown, hostname: string): number {
  if (port === undefined || port === null) {
    throw invalid(
      `The address for "${hostname}" is missing a port: pass { hostname, port }; there is no default port.`,
    );
  }
  // workerd converts the port with WebIDL's unsigned short, so numeric strings work there too.
  const value = typeof port === "string" && DIGITS.test(port) ? Number(port) : port;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw invalid(`The port for "${hostname}" must be an integer, got ${describe(port)}.`);
  }
  return checkPortRange(value, hostname);
}

function checkPortRange(port: number, where: string): number {
  if (port < 1 || port > 65535) {
    throw invalid(
      `The port ${port} for "${truncate(where)}" is out of range: a destination port is 1 to 65535.`,
    );
  }
  return port;
}

/** Strips brackets from an IPv6 literal given in the object form. */
function unbracket(hostname: string, original: string): string {
  if (hostname.startsWith("[") && hostname.endsWith("]")) {
    const inner = hostname.slice(1, -1);
    if (!inner.includes(":")) {
      throw invalid(`The hostname "${original}" puts a non-IPv6 name in brackets.`);
    }
    return inner;
  }
  return hostname;
}

/**
 * The destination parsed last. A driver's pool connects to one address again
 * and again: those sockets share one record (and its `display` string)
 * instead of each keeping its own for its whole life (~0.1 KB per idle socket
 * on Node 24, apps/bench FINDINGS.md). The record is immutable, and the
 * hostname was validated when it was made.
 */
let lastParsed: ParsedAddress | null = null;

function validated(hostname: string, port: number): ParsedAddress {
  const last = lastParsed;
  if (last !== null && last.hostname === hostname && last.port === port) return last;
  const ipv6 = hostname.includes(":");
  if (ipv6) {
    if (!isIPv6(hostname)) throw invalid(`"${truncate(hostname)}" is not a valid IPv6 address.`);
  } else if (!isHostname(hostname)) {
    throw invalid(
      `"${truncate(hostname)}" is not a valid hostname: use letters, digits, "-", "_" and ".", at most 63 characters a label and 253 in all.`,
    );
  }
  lastParsed = { hostname, port, ipv6, display: formatHostPort(hostname, port) };
  return lastParsed;
}

/** A DNS name or an IPv4 literal (which is a sequence of numeric labels). */
export function isHostname(name: string): boolean {
  // One regex over the whole name: splitting into labels cost ~2 µs per
  // connect() on Node 20, measurable in connection churn.
  return name.length > 0 && name.length <= MAX_HOSTNAME_LENGTH && HOSTNAME.test(name);
}

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A dotted-quad IPv4 literal in its one canonical form (no leading zeros, no shorthand). */
export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

/** RFC 4291 text forms, including `::` compression and an IPv4 tail. Zone ids are not accepted. */
export function isIPv6(text: string): boolean {
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const groups = (part: string | undefined): string[] | null => {
    if (part === undefined || part === "") return [];
    return part.split(":");
  };
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  if (!head || !tail) return false;
  const all = [...head, ...tail];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const group = all[i] ?? "";
    if (i === all.length - 1 && group.includes(".")) {
      if (!IPV4.test(group)) return false;
      count += 2;
    } else if (HEX_GROUP.test(group)) {
      count += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? count < 8 : count === 8;
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(truncate(value));
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return `${typeof value} ${String(value)}`;
  }
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : typeof value;
}
