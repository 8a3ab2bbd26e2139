import type { Socket } from "@sockets/core";
import { STARTTLS_GO_AHEAD, STARTTLS_GREETING } from "./protocol.js";

/**
 * One `connect(socket)` handler, written once against the Socket interface
 * alone, served by `serve()` on Node, Deno and Bun and as a Worker's default
 * export on workerd. A line protocol in the shape of SMTP: greets
 * "220 ready\n"; "STARTTLS\n" → "220 go ahead\n" then the handshake, served by
 * `socket.startTls()` (on a listener in "starttls" mode); "QUIT\n" → "221 bye\n"
 * and close; any other line comes back as "ECHO <line>\n", or "TLS <line>\n"
 * after STARTTLS.
 *
 * It does not gate STARTTLS on `socket.secureTransport`: workerd
 * 1.20261117.1 reports "off" on a `tlsMode = startTls` listener's socket
 * although `startTls()` works there (measured), where serve() reports "starttls".
 */
export const lineHandler = {
  async connect(socket: Socket): Promise<void> {
    const decoder = new TextDecoder();
    let current = socket;
    let upgraded = false;
    await send(current, STARTTLS_GREETING);
    let reader = current.readable.getReader();
    let buffered = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      for (let nl = buffered.indexOf("\n"); nl !== -1; nl = buffered.indexOf("\n")) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line === "STARTTLS" && !upgraded) {
          await send(current, STARTTLS_GO_AHEAD);
          // workerd upgrades only once the old streams are unlocked.
          reader.releaseLock();
          current = current.startTls();
          upgraded = true;
          reader = current.readable.getReader();
        } else if (line === "QUIT") {
          await send(current, "221 bye\n");
          await current.close();
          return;
        } else {
          await send(current, `${upgraded ? "TLS" : "ECHO"} ${line}\n`);
        }
      }
    }
    await current.close();
  },
};

async function send(socket: Socket, text: string): Promise<void> {
  const writer = socket.writable.getWriter();
  try {
    await writer.write(text);
  } finally {
    writer.releaseLock();
  }
}
