import { unsupportedRuntime } from "@sockets/core/backend";

/**
 * The few parts of Bun's socket API this backend uses, written out
 * structurally so that neither the build nor the published `.d.ts` depends on
 * `@types/bun` (users on other runtimes must not need it). They follow
 * bun-types 1.4.4 `bun.d.ts` (`Socket`, `SocketHandler`, `TLSOptions`,
 * `Bun.connect`); test/bun-api-types.ts checks them against it.
 */

/** A connected `Bun.Socket` (https://bun.com/docs/runtime/networking/tcp), carrying our per-socket state in `data`. */
export interface BunSocket<Data> {
  data: Data;
  /** Bytes accepted (possibly fewer than given: wait for `drain`), or -1 once closed or shut down. */
  write(data: Uint8Array): number;
  /** Sends FIN; reading goes on. */
  shutdown(halfClose?: boolean): void;
  /** Closes the whole socket, even with `allowHalfOpen` (not a half-close). */
  end(): void;
  /** Closes the whole socket like `end()`, without its flush (and, on TLS, without close_notify). */
  close(): void;
  /** SO_LINGER 0 and close: the peer sees a reset. */
  terminate(): void;
  pause(): void;
  resume(): void;
  setNoDelay(noDelay?: boolean): boolean;
  setKeepAlive(enable?: boolean, initialDelay?: number): boolean;
  upgradeTLS(options: BunUpgradeOptions<Data>): [raw: BunSocket<Data>, tls: BunSocket<Data>];
  /** -2 shut down, -1 detached, 0 closed, 1 established. */
  readonly readyState: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly alpnProtocol: string | false | null;
}

/** Handlers are shared by every socket of one `Bun.connect` call: state lives in `socket.data`. */
export interface BunSocketHandler<Data> {
  binaryType: "uint8array";
  open(socket: BunSocket<Data>): void;
  handshake(socket: BunSocket<Data>, success: boolean, authorizationError: Error | null): void;
  data(socket: BunSocket<Data>, chunk: Uint8Array): void;
  drain(socket: BunSocket<Data>): void;
  end(socket: BunSocket<Data>): void;
  close(socket: BunSocket<Data>, error?: Error): void;
  error(socket: BunSocket<Data>, error: Error): void;
  connectError(socket: BunSocket<Data>, error: Error): void;
}

export interface BunTlsOptions {
  serverName: string;
  ca?: string[];
  cert?: string;
  key?: string;
  /** Wire format: each name prefixed by its length (RFC 7301). */
  ALPNProtocols?: Uint8Array;
  rejectUnauthorized: boolean;
}

export interface BunConnectOptions<Data> {
  hostname: string;
  port: number;
  allowHalfOpen: boolean;
  data: Data;
  socket: BunSocketHandler<Data>;
  tls?: BunTlsOptions;
}

/** A listener's TLS: its keypair, and the CA client certificates must chain to. */
export interface BunServerTlsOptions {
  cert: string;
  key: string;
  ca?: string[];
  requestCert: boolean;
  rejectUnauthorized: boolean;
  ALPNProtocols?: Uint8Array;
  /** Makes `upgradeTLS` serve the handshake on an accepted socket. */
  isServer?: boolean;
}

export interface BunUpgradeOptions<Data> {
  data: Data;
  tls: BunTlsOptions | BunServerTlsOptions;
  socket: BunSocketHandler<Data>;
}

/** `Bun.listen` (https://bun.com/docs/runtime/networking/tcp#start-a-server-bun-listen). */
export interface BunListenOptions<Data> {
  hostname: string;
  port: number;
  allowHalfOpen: boolean;
  socket: BunSocketHandler<Data>;
  tls?: BunServerTlsOptions;
}

export interface BunTcpListener {
  readonly hostname: string;
  readonly port: number;
  /** Stops accepting; `true` also closes the open connections. */
  stop(closeActiveConnections?: boolean): void;
}

/** A connected `Bun.udpSocket`: here only opened (route lookup) and closed again. */
export interface BunUdpSocket {
  close(): void;
}

export interface BunRuntime {
  connect<Data>(options: BunConnectOptions<Data>): Promise<BunSocket<Data>>;
  /** https://bun.com/docs/runtime/networking/udp: `connect` fixes the peer, sending nothing. */
  udpSocket(options: {
    hostname?: string;
    connect: { hostname: string; port: number };
  }): Promise<BunUdpSocket>;
  listen<Data>(options: BunListenOptions<Data>): BunTcpListener;
}

/**
 * The `Bun` global. This package runs only on Bun: anywhere else it fails at
 * import with one clear error rather than later as "Bun is not defined".
 */
export const bun: BunRuntime = (() => {
  const runtime = (globalThis as { Bun?: BunRuntime }).Bun;
  if (runtime === undefined || typeof runtime.connect !== "function") {
    throw unsupportedRuntime(
      "@sockets/bun runs only on Bun: it is built on Bun.connect, and this host has no Bun global.",
    );
  }
  return runtime;
})();
