export { connect, isSocketError, SocketError, SocketErrorCode, serve } from "@sockets/workers";
export const runtime = "workerd";
