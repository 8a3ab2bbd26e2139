import type { Socket as NetSocket } from "node:net";
import type { Cancellation, Transport } from "@sockets/core/backend";
import { NodeTransport } from "./transport.js";

const ignore = () => {};

/**
 * Resolves with a transport once `socket` emits `event` ('connect', or
 * 'secureConnect' after a verified handshake); rejects with the socket's error,
 * or the cancellation's reason if the attempt is abandoned.
 */
export function whenConnected(
  socket: NetSocket,
  event: "connect" | "secureConnect",
  cancellation: Cancellation,
): Promise<Transport> {
  // A socket must always have an 'error' listener: an error emitted after we
  // let go of it (e.g. a reset racing destroy()) would otherwise crash the process.
  socket.on("error", ignore);
  return new Promise((resolve, reject) => {
    // Methods, not named arrows: the build's keepNames wraps each named arrow
    // in a defineProperty call, about 1 µs apiece on every connection. Each
    // handler removes all of them first, so `on` does what `once` would.
    const pending = {
      cleanup() {
        socket.off(event, pending.ready);
        socket.off("error", pending.error);
        socket.off("close", pending.close);
        cancellation.offCancel(pending.abort);
      },
      ready() {
        pending.cleanup();
        resolve(new NodeTransport(socket));
      },
      error(error: Error) {
        pending.cleanup();
        socket.destroy();
        reject(error);
      },
      close() {
        pending.cleanup();
        reject(new Error("The connection closed before it was established."));
      },
      abort(reason: unknown) {
        pending.cleanup();
        socket.destroy();
        reject(reason);
      },
    };
    if (cancellation.cancelled) return pending.abort(cancellation.reason);
    socket.on(event, pending.ready);
    socket.on("error", pending.error);
    socket.on("close", pending.close);
    cancellation.onCancel(pending.abort);
  });
}
