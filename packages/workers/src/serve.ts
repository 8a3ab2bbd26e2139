import type { Serve } from "@sockets/core";
import { SocketError, SocketErrorCode } from "@sockets/core/backend";

/**
 * workerd cannot open a listener from JavaScript: its TCP listeners are
 * sockets in the config (`tcp = ()`), each delivering connections to a
 * Worker's `connect(socket, env, ctx)` handler (cloudflare/workerd#6059).
 * So `serve()` refuses with the way to do the same thing on workerd.
 */
export const serve: Serve = () => {
  throw new SocketError(
    SocketErrorCode.UnsupportedRuntime,
    "workerd cannot listen from JavaScript: export the handler as the Worker's default (export default { connect }) and add a tcp socket to the config; @sockets/workers/config's workerdServeConfig() builds one.",
  );
};
