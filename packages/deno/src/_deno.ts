/**
 * The slice of the `Deno` namespace this backend uses, typed structurally so
 * the published declarations never depend on Deno's own type package.
 * Reference: https://docs.deno.com/api/deno/~/Deno.connect,
 * https://docs.deno.com/api/deno/~/Deno.startTls,
 * https://docs.deno.com/api/deno/~/Deno.TcpConn.
 */

export interface DenoNetAddr {
  readonly hostname: string;
  readonly port: number;
}

/** `Deno.Conn`: `read` and `write` may be partial; `read` resolves `null` at EOF. */
export interface DenoConn {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  /** shutdown(2) of the write side (SHUT_WR); reading goes on. */
  closeWrite(): Promise<void>;
  /** Closes both directions; throws `BadResource` once the resource is gone. */
  close(): void;
  readonly localAddr: DenoNetAddr;
  readonly remoteAddr: DenoNetAddr;
}

/** `Deno.TcpConn`. */
export interface DenoTcpConn extends DenoConn {
  setNoDelay(noDelay?: boolean): void;
  setKeepAlive(keepAlive?: boolean): void;
}

/** `Deno.TlsConn`. */
export interface DenoTlsConn extends DenoConn {
  handshake(): Promise<{ alpnProtocol: string | null }>;
}

/** `Deno.Listener` / `Deno.TlsListener` (https://docs.deno.com/api/deno/~/Deno.listen). */
export interface DenoListener<Conn> {
  readonly addr: DenoNetAddr;
  /** Rejects (BadResource) once the listener is closed. */
  accept(): Promise<Conn>;
  close(): void;
}

interface DenoNamespace {
  listen(options: { hostname: string; port: number; transport: "tcp" }): DenoListener<DenoTcpConn>;
  /** https://docs.deno.com/api/deno/~/Deno.listenTls */
  listenTls(options: {
    hostname: string;
    port: number;
    transport: "tcp";
    cert: string;
    key: string;
    alpnProtocols?: string[];
  }): DenoListener<DenoTlsConn>;
  connect(options: {
    hostname: string;
    port: number;
    transport: "tcp";
    signal?: AbortSignal;
  }): Promise<DenoTcpConn>;
  startTls(
    conn: DenoTcpConn,
    options: { hostname: string; caCerts?: string[]; alpnProtocols?: string[] },
  ): Promise<DenoTlsConn>;
}

/** True when this module runs on Deno. */
export function isDeno(): boolean {
  const deno = (globalThis as { Deno?: { connect?: unknown } }).Deno;
  return typeof deno === "object" && deno !== null && typeof deno.connect === "function";
}

/** The `Deno` global (index.ts refuses to load where it is missing). */
export function deno(): DenoNamespace {
  return (globalThis as unknown as { Deno: DenoNamespace }).Deno;
}

/** `conn.close()` that never throws: Deno throws `BadResource` when the resource is already gone. */
export function closeQuietly(conn: DenoConn): void {
  try {
    conn.close();
  } catch {
    // Already closed (by us, by a failed handshake, or consumed by startTls).
  }
}
