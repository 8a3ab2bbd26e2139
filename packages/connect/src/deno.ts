export { connect, isSocketError, SocketError, SocketErrorCode, serve } from "@sockets/deno";
export const runtime = "deno";
