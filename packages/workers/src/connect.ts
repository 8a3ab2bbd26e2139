import { connect as nativeConnect } from "cloudflare:sockets";
import type { Connect } from "@sockets/core";
import { parseAddress, resolveOptions } from "@sockets/core/backend";
import type { NativeSocket } from "./cloudflare-sockets-types.js";
import { fromWorkerdError } from "./errors.js";
import { rejectUnsupported } from "./options.js";
import { WorkerdSocket } from "./socket.js";

/**
 * `connect()` over workerd's `cloudflare:sockets`
 * (https://developers.cloudflare.com/workers/runtime-apis/tcp-sockets/).
 * Address and options are validated by core, with the same synchronous errors
 * as on every runtime; options workerd cannot honour are refused.
 */
export const connect: Connect = (address, options) => {
  const parsed = parseAddress(address);
  const resolved = resolveOptions(options);
  rejectUnsupported(options, resolved);
  // An already-aborted signal makes no connection at all, as in core.
  if (resolved.signal?.aborted) {
    return new WorkerdSocket(null, parsed, resolved, resolved.secureTransport, "connect");
  }
  let native: NativeSocket;
  try {
    // Always the "host:port" form, IPv6 in brackets: workerd joins the object
    // form as `hostname:port`, which breaks for a bare IPv6 hostname.
    native = nativeConnect(parsed.display, {
      secureTransport: resolved.secureTransport,
      allowHalfOpen: resolved.allowHalfOpen,
      highWaterMark: resolved.highWaterMark,
    });
  } catch (error) {
    // workerd throws here for sockets opened outside a request ("Disallowed
    // operation called within global scope") and when it is out of sockets.
    throw fromWorkerdError(error, parsed.display, "connect");
  }
  return new WorkerdSocket(native, parsed, resolved, resolved.secureTransport, "connect");
};
