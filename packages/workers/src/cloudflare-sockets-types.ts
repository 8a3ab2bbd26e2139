/**
 * The part of workerd's `cloudflare:sockets` this package uses, declared
 * structurally so that neither our build nor our users need
 * `@cloudflare/workers-types` (its globals clash with DOM and Node typings,
 * and published .d.ts files must not pull it in).
 * test/types/workers-types-check.ts checks these against workers-types.
 *
 * Reference: https://developers.cloudflare.com/workers/runtime-apis/tcp-sockets/
 * and cloudflare/workerd src/workerd/api/sockets.h.
 */

export interface NativeSocketAddress {
  hostname: string;
  port: number;
}

export interface NativeSocketOptions {
  secureTransport?: "off" | "on" | "starttls";
  allowHalfOpen: boolean;
  highWaterMark?: number | bigint;
}

/** workerd reports the address it was given; `localAddress` is absent for outbound sockets. */
export interface NativeSocketInfo {
  remoteAddress?: string;
  localAddress?: string;
}

export interface NativeSocket {
  readonly readable: ReadableStream<Uint8Array>;
  // workerd's writable takes bytes and strings (workers-types: WritableStream<any>).
  readonly writable: WritableStream<ArrayBuffer | SharedArrayBuffer | ArrayBufferView | string>;
  readonly opened: Promise<NativeSocketInfo>;
  readonly closed: Promise<void>;
  readonly upgraded: boolean;
  readonly secureTransport: "on" | "off" | "starttls";
  close(): Promise<void>;
  startTls(options?: { expectedServerHostname?: string }): NativeSocket;
}

export type NativeConnect = (
  address: string | NativeSocketAddress,
  options?: NativeSocketOptions,
) => NativeSocket;
