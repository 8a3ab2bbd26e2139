import { isIP } from "node:net";
import * as nodeTls from "node:tls";
import {
  type ConnectionOptions,
  checkServerIdentity,
  createSecureContext,
  type PeerCertificate,
  rootCertificates,
  type SecureContext,
} from "node:tls";
import type { TlsSettings } from "@sockets/core/backend";

/*
 * How node:tls is configured for core's TLS settings: trust, client
 * certificates, the name verified. Connecting is transport.ts's job (it
 * imports this module; this one imports nothing of ours back).
 */

/**
 * Building a SecureContext parses every trusted root (about 150 with the
 * bundled store): several milliseconds a connection. Contexts are reused for
 * the same CA and client certificate; a few distinct ones are kept.
 */
const contexts = new Map<string, SecureContext>();
const MAX_CONTEXTS = 16;

/**
 * With no CA and no client certificate, `tls.connect` would build a fresh
 * SecureContext from the default trust store for every connection (about
 * 0.3 ms each). One is shared instead, and rebuilt when the default store
 * changes: Node 22.19+ / 24.5+ can replace it at run time
 * (`tls.setDefaultCACertificates`), and `tls.getCACertificates()` returns the
 * same frozen array until then. No session is reused through it: Node's
 * client contexts keep no internal session cache.
 */
let defaultContext: { readonly context: SecureContext; readonly roots: unknown } | undefined;

function defaultSecureContext(): SecureContext {
  // Looked up at run time, not destructured: Node 20 has no getCACertificates,
  // and a bundler (webpack with ES module output) turns a static member access
  // on the namespace into a named import that fails to link there.
  const getCACertificates: unknown = Reflect.get(nodeTls, "getCACertificates");
  const roots =
    typeof getCACertificates === "function"
      ? (getCACertificates as (type: string) => unknown)("default")
      : null;
  if (defaultContext === undefined || defaultContext.roots !== roots) {
    defaultContext = { context: createSecureContext(), roots };
  }
  return defaultContext.context;
}

function secureContextFor(tls: TlsSettings): SecureContext {
  if (tls.ca.length === 0 && tls.cert === undefined) return defaultSecureContext();
  const key = JSON.stringify([tls.ca, tls.cert ?? "", tls.key ?? ""]);
  let context = contexts.get(key);
  if (context === undefined) {
    context = createSecureContext({
      // `ca` replaces Node's bundled roots; ours adds to them, as Deno and workerd do.
      ca: tls.ca.length > 0 ? [...rootCertificates, ...tls.ca] : undefined,
      cert: tls.cert,
      key: tls.key,
    });
    if (contexts.size >= MAX_CONTEXTS) contexts.delete(contexts.keys().next().value as string);
    contexts.set(key, context);
  }
  return context;
}

/** node:tls options for core's TLS settings. */
export function nodeTlsOptions(tls: TlsSettings): ConnectionOptions {
  const name = tls.serverName;
  return {
    // RFC 6066 forbids an IP literal as SNI (Node warns, DEP0123), so none is sent.
    servername: isIP(name) ? undefined : name,
    // Without a servername Node would check the certificate against `host`,
    // the address connected to, not the IP given as sni; Deno and Bun check
    // the sni (issue 9, defect 6). So the name is always named here, and
    // Node's own check runs on it (https://nodejs.org/api/tls.html#tlscheckserveridentityhostname-cert).
    checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(name, cert),
    secureContext: secureContextFor(tls),
    ALPNProtocols: tls.alpn.length > 0 ? [...tls.alpn] : undefined,
    // Explicit, so NODE_TLS_REJECT_UNAUTHORIZED=0 cannot silently turn checks off.
    rejectUnauthorized: true,
  };
}
