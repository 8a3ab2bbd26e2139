import { connect as netConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { ConnectRequest, Transport } from "@sockets/core/backend";
import { sharedOnRead } from "./shared-read-buffer.js";
import { nodeTlsOptions } from "./tls.js";
import { NodeTransport } from "./transport.js";

/** Opens a node:net (or node:tls, for secureTransport "on") connection. */
export function connectNode({
  address,
  options,
  tls,
  cancellation,
}: ConnectRequest): Promise<Transport> {
  const keepAlive = options.keepAlive !== false;
  const keepAliveInitialDelay = options.keepAlive === false ? 0 : options.keepAlive;
  if (tls === null && options.secureTransport === "off") {
    // Never upgraded: reads go through the shared buffer (shared-read-buffer.ts).
    // One literal, not a spread of shared settings: spreading an object per
    // connect() was the largest self time of ours in a churn profile
    // (apps/bench FINDINGS.md, change 17).
    const socket = netConnect({
      host: address.hostname,
      port: address.port,
      // Core implements allowHalfOpen:false itself; Node must never end our side on its own.
      allowHalfOpen: true,
      noDelay: options.noDelay,
      keepAlive,
      keepAliveInitialDelay,
      onread: sharedOnRead,
    });
    return NodeTransport.whenReady(socket, "connect", cancellation, true);
  }
  const base = {
    host: address.hostname,
    port: address.port,
    allowHalfOpen: true,
    noDelay: options.noDelay,
    keepAlive,
    keepAliveInitialDelay,
  };
  if (tls === null) return NodeTransport.whenReady(netConnect(base), "connect", cancellation);
  return NodeTransport.whenReady(
    tlsConnect({ ...base, ...nodeTlsOptions(tls) }),
    "secureConnect",
    cancellation,
  );
}
