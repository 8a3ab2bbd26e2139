import type { SocketOptions } from "@sockets/core";
import { type ResolvedOptions, SocketError, SocketErrorCode } from "@sockets/core/backend";

/**
 * Options core accepts that workerd cannot honour. They are refused at
 * `connect()`, never silently dropped: workerd ignores dictionary members it
 * does not know, so passing `alpn` straight through would quietly connect
 * without it.
 */
export function rejectUnsupported(raw: SocketOptions | undefined, options: ResolvedOptions): void {
  if (options.sni !== undefined) {
    // workerd's own knob, startTls({ expectedServerHostname }), is logged by
    // workerd 1.20261117 as "unsupported" and its failures surface as an
    // opaque "internal error"; `connect()` has nothing at all for "on".
    throw unsupported(
      "sni",
      "workerd sends the connect hostname as SNI and verifies the certificate against it; it cannot send or verify another name. Connect to the name on the certificate instead.",
    );
  }
  if (options.alpn.length > 0) {
    throw unsupported(
      "alpn",
      "cloudflare:sockets neither offers ALPN protocols nor reports the server's choice.",
    );
  }
  if (options.ca.length > 0) {
    throw unsupported(
      "tls.ca",
      "workerd trusts certificates per process, not per socket: add the CA to the network service's tlsOptions.trustedCertificates in the workerd config (wrangler dev: NODE_EXTRA_CA_CERTS). On Cloudflare the public roots apply.",
    );
  }
  if (options.cert !== undefined || options.key !== undefined) {
    throw unsupported(
      "tls.cert and tls.key",
      "cloudflare:sockets cannot present a client certificate (mutual TLS).",
    );
  }
  if (options.keepAlive !== false) {
    throw unsupported("keepAlive", "a Worker cannot set TCP keep-alive on its sockets.");
  }
  // `noDelay: true` is every backend's default, so portable code that spells it
  // out keeps working; asking for Nagle's algorithm is something workerd
  // cannot do.
  if (raw?.noDelay === false) {
    throw unsupported("noDelay: false", "a Worker cannot control Nagle's algorithm.");
  }
}

function unsupported(option: string, why: string): SocketError {
  return new SocketError(
    SocketErrorCode.UnsupportedOption,
    `The ${option} option is not supported on Cloudflare Workers (workerd): ${why}`,
  );
}
