export { connect, isSocketError, SocketError, SocketErrorCode } from "@sockets/workers";
export const runtime = "workerd";
