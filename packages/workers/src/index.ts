// The public types and errors are core's: every backend exports the same names.
export * from "@sockets/core";
/** `connect()` from the WinterTC Sockets API, on workerd's own `cloudflare:sockets`. */
export { connect } from "./connect.js";
/** Refuses with the way to serve on workerd: its listeners come from the config. */
export { serve } from "./serve.js";
