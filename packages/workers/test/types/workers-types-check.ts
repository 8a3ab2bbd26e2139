/**
 * Type-only check, run by `pnpm typecheck`: the structural types this package
 * declares for `cloudflare:sockets` (src/cloudflare-sockets-types.ts, which
 * keeps @cloudflare/workers-types out of our build and our published .d.ts)
 * must agree with workers-types. Compiled on its own, with workers-types as the
 * only global types, since those clash with DOM and Node typings.
 */
import type { connect } from "cloudflare:sockets";
import type {
  NativeConnect,
  NativeSocket,
  NativeSocketInfo,
} from "../../src/cloudflare-sockets-types.js";

type Assert<T extends true> = T;
type Extends<A, B> = [A] extends [B] ? true : false;

// workerd's connect() is usable as the one we declare: it accepts what we pass
// and returns at least what we read.
export type ConnectMatches = Assert<Extends<typeof connect, NativeConnect>>;
export type SocketMatches = Assert<Extends<Socket, NativeSocket>>;
export type InfoMatches = Assert<Extends<SocketInfo, NativeSocketInfo>>;
