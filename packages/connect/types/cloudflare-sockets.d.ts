/**
 * `declare module "cloudflare:sockets"` for TypeScript users who run Workers
 * socket code on Node.js, Deno or Bun through one of our integrations and do
 * not use @cloudflare/workers-types. Add it with
 * `"types": ["@sockets/connect/cloudflare-sockets"]` in tsconfig.json or
 * `/// <reference types="@sockets/connect/cloudflare-sockets" />`.
 *
 * The module is @sockets/connect itself: `connect` (as workerd's module
 * exports it), the `Socket`, `SocketOptions`, `SocketAddress` and
 * `SocketInfo` types, and our `SocketError` and `isSocketError`.
 */
declare module "cloudflare:sockets" {
  export * from "@sockets/connect";
}
