import type { ResolvedOptions } from "@sockets/core/backend";
import type { BunSocket } from "./bun-api.js";

/** Socket options that need a connected socket (https://bun.com/docs/runtime/networking/tcp). */
export function applySocketOptions(socket: BunSocket<unknown>, options: ResolvedOptions): void {
  socket.setNoDelay(options.noDelay);
  // The initial delay is in milliseconds, as in node:net; 0 keeps the system's.
  if (options.keepAlive !== false) socket.setKeepAlive(true, options.keepAlive);
}
