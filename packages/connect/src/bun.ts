export { connect, isSocketError, SocketError, SocketErrorCode } from "@sockets/bun";
export const runtime = "bun";
