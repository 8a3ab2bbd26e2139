export { connect, isSocketError, SocketError, SocketErrorCode, serve } from "@sockets/node";
export const runtime = "node";
