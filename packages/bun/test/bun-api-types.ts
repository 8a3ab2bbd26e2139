/**
 * Type-level check, never run: src/bun-api.ts writes Bun's socket API out
 * structurally (so the published .d.ts does not need @types/bun). Here those
 * declarations meet @types/bun's, so a drift shows up in
 * `tsc -p tsconfig.bun-types.json` (part of `pnpm typecheck`).
 */
import type { Socket, SocketHandler, TCPSocketConnectOptions, TLSOptions } from "bun";
import type {
  BunConnectOptions,
  BunRuntime,
  BunSocket,
  BunSocketHandler,
  BunTlsOptions,
} from "../src/bun-api.js";
import type { Link } from "../src/link.js";

declare const real: Socket<Link>;
declare const ourHandlers: BunSocketHandler<Link>;
declare const ourTls: BunTlsOptions;
declare const ourOptions: BunConnectOptions<Link>;

// Bun's sockets have everything we call on them, with compatible signatures.
export const socket: BunSocket<Link> = real;
// What we hand to Bun is what Bun accepts.
export const handlers: SocketHandler<Link, "uint8array"> = ourHandlers;
export const tls: TLSOptions = ourTls;
export const options: TCPSocketConnectOptions<Link> = ourOptions;
// The global has the connect() we call.
export const runtime: BunRuntime = Bun;
