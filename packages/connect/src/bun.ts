export { connect, isSocketError, SocketError, SocketErrorCode, serve } from "@sockets/bun";
export const runtime = "bun";
