import type { Connect, Serve } from "@sockets/core";
import { unsupportedRuntime } from "@sockets/core/backend";

export { isSocketError, SocketError, SocketErrorCode } from "@sockets/core";

/**
 * Hosts with no TCP (browsers, web workers, edge runtimes), and hosts no
 * condition matched, get this entry: a connect() that throws one clear error
 * rather than an empty module that fails later as "not a function".
 */
export const connect: Connect = () => {
  throw unsupportedRuntime(
    "@sockets/connect needs a host with TCP sockets: Node.js, Deno, Bun or Cloudflare Workers (workerd); this one was resolved as a browser, edge or unknown host.",
  );
};

export const serve: Serve = () => {
  throw unsupportedRuntime(
    "@sockets/connect's serve() needs a host that can listen on TCP: Node.js, Deno or Bun (on Cloudflare Workers, export the handler as the Worker's default); this one was resolved as a browser, edge or unknown host.",
  );
};
export const runtime = "unsupported";
