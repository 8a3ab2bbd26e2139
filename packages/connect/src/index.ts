/**
 * The types every entry of @sockets/connect shares. At run time the package's
 * export conditions load one backend (node, deno, bun, workerd); TypeScript
 * sees this one declaration whichever is chosen.
 *
 * @packageDocumentation
 * @module @sockets/connect
 */
export * from "@sockets/core";

import type { Connect, Serve } from "@sockets/core";

/** `connect()` from the WinterTC Sockets API, on this runtime's native sockets. */
export declare const connect: Connect;
/**
 * `serve({ connect(socket) {...} })`: one connection handler, served by this
 * runtime's own listener. On workerd, listeners come from the config: export
 * the same handler as the Worker's default (`export default { connect }`).
 */
export declare const serve: Serve;
/** Which backend this entry runs on. */
export declare const runtime: "node" | "deno" | "bun" | "workerd" | "unsupported";
