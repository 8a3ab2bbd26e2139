/**
 * Builds the workerd config that serves a `connect(socket)` handler, so the
 * handler given to `serve()` on Node, Deno or Bun runs on workerd the same way:
 * a `tcp` socket delivers each accepted connection to the Worker's default
 * export (`export default { connect }`; cloudflare/workerd#6059). TLS maps to
 * the socket's `tlsOptions` and `tlsMode` (workerd.capnp `TcpTlsMode`):
 * `secureTransport: "on"` is `implicit`, `"starttls"` is `startTls`, where
 * the handler's `socket.startTls()` serves the handshake.
 *
 * What workerd cannot do: choose the port at run time and report it (there is
 * no `server.port`: pick a free port before starting workerd), and stop
 * listening or close connections from JavaScript (stop the process instead).
 */
export interface WorkerdServeConfigOptions {
  /** The ES module whose default export has `connect`, as a path relative to the config file. */
  worker: string;
  /** Default `"127.0.0.1"`. */
  hostname?: string;
  /** The port to listen on: required, workerd cannot report one it picked. */
  port: number;
  /** Default `"off"`. */
  secureTransport?: "off" | "on" | "starttls";
  /** PEM text: the listener's keypair; `ca` and `requestCert` ask clients for certificates (mTLS). */
  tls?: { cert: string; key: string; ca?: string | readonly string[]; requestCert?: boolean };
  /** workerd's compatibility date for the Worker. */
  compatibilityDate: string;
  compatibilityFlags?: readonly string[];
  /**
   * Outbound connections from the handler (`connect()`): `"local"` lets it
   * reach loopback and private addresses, as a development server needs.
   * Default: workerd's own "internet" (public addresses only).
   */
  outbound?: "local";
}

/** Returns the config as workerd's Cap'n Proto text, for `workerd serve <file>`. */
export function workerdServeConfig(options: WorkerdServeConfigOptions): string {
  const mode = options.secureTransport ?? "off";
  const { port } = options;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(
      `workerdServeConfig() needs a port from 1 to 65535 (workerd cannot report a port it picked), got ${String(port)}.`,
    );
  }
  if (mode !== "off" && options.tls === undefined) {
    throw new TypeError(
      `workerdServeConfig() with secureTransport "${mode}" needs tls: { cert, key }.`,
    );
  }
  const tls = options.tls;
  const ca = tls?.ca === undefined ? [] : typeof tls.ca === "string" ? [tls.ca] : [...tls.ca];
  if (tls?.requestCert === true && ca.length === 0) {
    throw new TypeError(
      "workerdServeConfig()'s tls.requestCert needs tls.ca, the CA client certificates must chain to.",
    );
  }
  const host = options.hostname ?? "127.0.0.1";
  const address = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  const tcp =
    mode === "off" || tls === undefined
      ? "tcp = ()"
      : `tcp = (
      tlsOptions = (
        keypair = (privateKey = ${text(tls.key)}, certificateChain = ${text(tls.cert)}),
        requireClientCerts = ${tls.requestCert === true},
        trustedCertificates = [${ca.map(text).join(", ")}],
      ),
      tlsMode = ${mode === "on" ? "implicit" : "startTls"},
    )`;
  const flags = (options.compatibilityFlags ?? []).map(text).join(", ");
  const outbound =
    options.outbound === "local"
      ? `,
    (name = "local-network", network = (allow = ["local", "private"]))`
      : "";
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker)${outbound},
  ],
  sockets = [
    (name = "connect", address = ${text(address)}, ${tcp}, service = "main"),
  ],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed ${text(options.worker)})],
  compatibilityDate = ${text(options.compatibilityDate)},
  compatibilityFlags = [${flags}],${options.outbound === "local" ? '\n  globalOutbound = "local-network",' : ""}
);
`;
}

/** A Cap'n Proto text literal: JSON's escapes (\n, \", \\) are the same there. */
function text(value: string): string {
  return JSON.stringify(value);
}
