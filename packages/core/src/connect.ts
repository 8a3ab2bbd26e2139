import { parseAddress } from "./address.js";
import { type ResolvedOptions, resolveOptions, tlsSettings } from "./options.js";
import { SocketImpl } from "./socket.js";
import type { Connector, ReadMode } from "./transport.js";
import type { Connect } from "./types.js";

export interface Backend extends ReadMode {
  readonly connect: Connector;
  /**
   * Throws a SocketError (ERR_UNSUPPORTED_OPTION) for an option this runtime
   * cannot honour. Called synchronously by `connect()`, so such an option
   * fails as every other option error does, never through `opened`.
   */
  readonly checkOptions?: (options: ResolvedOptions) => void;
}

/**
 * Builds a spec `connect()` over a backend. Address and options are validated
 * here, synchronously; the connection is made asynchronously.
 */
export function createConnect(backend: Backend): Connect {
  return function connect(address, options) {
    const parsed = parseAddress(address);
    const resolved = resolveOptions(options);
    backend.checkOptions?.(resolved);
    const tls = resolved.secureTransport === "on" ? tlsSettings(resolved, parsed.hostname) : null;
    return new SocketImpl(parsed, resolved, resolved.secureTransport, backend, (cancellation) =>
      backend.connect({ address: parsed, options: resolved, tls, cancellation }),
    );
  };
}
