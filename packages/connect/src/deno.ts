export { connect, isSocketError, SocketError, SocketErrorCode } from "@sockets/deno";
export const runtime = "deno";
