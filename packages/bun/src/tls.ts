import type * as NodeTls from "node:tls";
import type { TlsSettings } from "@sockets/core/backend";
import type { BunTlsOptions } from "./bun-api.js";

const encoder = new TextEncoder();

/**
 * Bun's `TLSOptions.ca` REPLACES the roots it trusts by default ("Mozilla's
 * CAs are completely replaced when CAs are explicitly specified", bun-types
 * `TLSOptions.ca`); ours adds to them, as Deno and workerd do. node:tls's
 * `getCACertificates("default")` is what Bun trusts without `ca`: its bundled
 * roots plus NODE_EXTRA_CA_CERTS (measured in Bun 1.4.5). `rootCertificates`
 * (the bundled roots alone) is the fallback.
 */
let defaultRoots: readonly string[] | undefined;
function roots(): readonly string[] {
  if (defaultRoots === undefined) {
    // Loaded here, on the first connection that brings its own CA, not at
    // import: in Bun node:tls pulls in node:net, streams and events, which
    // made importing this backend cost ~560 KB more heap (bun:jsc heapStats)
    // and ~30 ms more start-up (Bun 1.4.5; apps/bench FINDINGS.md).
    // https://nodejs.org/api/process.html#processgetbuiltinmoduleid (Bun implements it)
    const nodeTls = process.getBuiltinModule("node:tls") as typeof NodeTls;
    const { getCACertificates } = nodeTls as {
      getCACertificates?: (type: "default") => string[];
    };
    defaultRoots = getCACertificates?.("default") ?? nodeTls.rootCertificates;
  }
  return defaultRoots;
}

/**
 * ALPN in the wire format (RFC 7301 §3.1: each name prefixed by its length).
 * Bun silently ignores a plain string and throws on an array.
 */
export function alpnWire(protocols: readonly string[]): Uint8Array {
  const names = protocols.map((name) => encoder.encode(name));
  const wire = new Uint8Array(names.reduce((n, name) => n + 1 + name.length, 0));
  let at = 0;
  for (const name of names) {
    wire[at++] = name.length;
    wire.set(name, at);
    at += name.length;
  }
  return wire;
}

/** Bun `TLSOptions` for core's TLS settings. */
export function bunTlsOptions(tls: TlsSettings): BunTlsOptions {
  const options: BunTlsOptions = {
    // Sent as SNI and checked against the certificate; an IP literal is checked
    // against the IP SANs. Bun sends an IP literal as SNI too (measured), which
    // RFC 6066 §3 does not allow; servers ignore it.
    serverName: tls.serverName,
    // Explicit, so NODE_TLS_REJECT_UNAUTHORIZED=0 cannot silently turn checks off.
    rejectUnauthorized: true,
  };
  if (tls.ca.length > 0) options.ca = [...roots(), ...tls.ca];
  if (tls.cert !== undefined) options.cert = tls.cert;
  if (tls.key !== undefined) options.key = tls.key;
  if (tls.alpn.length > 0) options.ALPNProtocols = alpnWire(tls.alpn);
  return options;
}
