import { formatHostPort, type ParsedAddress } from "./address.js";
import type { Cancellation } from "./cancellation.js";
import type { ResolvedOptions } from "./options.js";
import { type ClosedObserver, SocketImpl } from "./socket.js";
import type { ReadMode, Transport } from "./transport.js";
import type { Socket, StartTlsOptions } from "./types.js";

/**
 * A connection a backend's listener accepted. Its transport is already
 * connected (for `secureTransport: "on"`, after the handshake). On a
 * `"starttls"` listener the transport's `upgrade()` serves the TLS handshake
 * with the listener's keypair instead of dialling one: the server side of
 * STARTTLS is a transport capability, so the Socket state machine, including
 * `startTls()`'s flush-then-detach hand-over, is the very same as a client's.
 */
export interface AcceptedConnection {
  readonly transport: Transport;
  /** Drops the connection with a TCP reset where the runtime can (else closes it). Idempotent. */
  reset(): void;
}

/** For an accepted connection's "attempt": there is none to cancel. */
export const NEVER_CANCELLED: Cancellation = {
  cancelled: false,
  reason: undefined,
  get signal(): AbortSignal {
    return new AbortController().signal;
  },
  onCancel() {},
  offCancel() {},
  throwIfCancelled() {},
};

/** serve.ts's connection record: told which socket carries the connection, and when the accepted one is done. */
export interface UpgradeObserver extends ClosedObserver {
  /** startTls() returned `tls`: it carries the connection from now on. */
  upgraded(tls: Socket): void;
}

/**
 * The spec Socket over an accepted connection: core's one state machine,
 * opened at once, with `opened` reporting the peer as `remoteAddress`.
 */
export function acceptSocket(
  transport: Transport,
  options: ResolvedOptions,
  readMode: ReadMode,
  onUpgrade: UpgradeObserver,
): SocketImpl {
  const { address, port } = transport.remote;
  const ipv6 = address.includes(":");
  const peer = { hostname: address, port, ipv6, display: formatHostPort(address, port) };
  return new AcceptedSocket(peer, options, readMode, transport, onUpgrade);
}

/** Core's Socket, telling the server which socket carries the connection after startTls(). */
class AcceptedSocket extends SocketImpl {
  readonly #onUpgrade: UpgradeObserver;

  // Plain parameters, not a rest tuple: destructuring one cost an array and
  // an iterator per accepted connection.
  constructor(
    peer: ParsedAddress,
    options: ResolvedOptions,
    readMode: ReadMode,
    transport: Transport,
    onUpgrade: UpgradeObserver,
  ) {
    super(peer, options, options.secureTransport, readMode, transport, onUpgrade);
    this.#onUpgrade = onUpgrade;
  }

  override startTls(options?: StartTlsOptions): Socket {
    const tls = super.startTls(options);
    this.#onUpgrade.upgraded(tls);
    return tls;
  }
}
