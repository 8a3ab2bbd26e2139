export { connect, isSocketError, SocketError, SocketErrorCode } from "@sockets/node";
export const runtime = "node";
