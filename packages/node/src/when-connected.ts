import type { Socket as NetSocket } from "node:net";
import type { Transport } from "@sockets/core/backend";
import { NodeTransport } from "./transport.js";

const ignore = () => {};

/**
 * Resolves with a transport once `socket` emits `event` ('connect', or
 * 'secureConnect' after a verified handshake); rejects with the socket's error,
 * or the signal's reason if the attempt is abandoned.
 */
export function whenConnected(
  socket: NetSocket,
  event: "connect" | "secureConnect",
  signal: AbortSignal,
): Promise<Transport> {
  // A socket must always have an 'error' listener: an error emitted after we
  // let go of it (e.g. a reset racing destroy()) would otherwise crash the process.
  socket.on("error", ignore);
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      socket.off(event, onReady);
      socket.off("error", onError);
      socket.off("close", onClose);
      signal.removeEventListener("abort", onAbort);
    };
    const onReady = () => {
      cleanup();
      resolve(new NodeTransport(socket));
    };
    const onError = (error: Error) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new Error("The connection closed before it was established."));
    };
    const onAbort = () => {
      cleanup();
      socket.destroy();
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    socket.once(event, onReady);
    socket.once("error", onError);
    socket.once("close", onClose);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
