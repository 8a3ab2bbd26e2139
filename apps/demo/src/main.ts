/**
 * The demo: @sockets/connect talking plain TCP, TLS and STARTTLS to servers
 * this script starts on loopback, with a certificate from a CA made just now.
 * The same code runs unchanged on Node, Deno, Bun and Cloudflare Workers.
 */

import { createTestPki, startServers } from "@sockets/conformance/servers";
import { connect, isSocketError, runtime, type Socket } from "@sockets/connect";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Writes a line and reads until the reply's newline. */
async function ask(socket: Socket, line: string): Promise<string> {
  const writer = socket.writable.getWriter();
  await writer.write(encoder.encode(`${line}\n`));
  writer.releaseLock();
  return readLine(socket);
}

async function readLine(socket: Socket): Promise<string> {
  const reader = socket.readable.getReader();
  let text = "";
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return text.trimEnd();
}

function show(step: string, detail: string): void {
  console.log(`  ${step.padEnd(12)} ${detail}`);
}

const pki = await createTestPki();
const servers = await startServers(pki);
const { ports } = servers;
// Our test CA is private, so we pass it per socket; a public server needs no `tls` option.
const tls = { ca: pki.ca.cert };

console.log(`sockets demo: @sockets/connect on ${runtime} (Node ${process.versions.node})`);
console.log(
  `loopback servers: echo :${ports.echo}, TLS echo :${ports.tlsEcho}, STARTTLS :${ports.starttls}\n`,
);

try {
  console.log("1. Plain TCP");
  const plain = connect(`127.0.0.1:${ports.echo}`);
  const info = await plain.opened;
  show("opened", `${info.localAddress} → ${info.remoteAddress}`);
  show("echo", JSON.stringify(await ask(plain, "hello over TCP")));
  await plain.close();
  show("closed", "close() resolved");

  console.log('\n2. TLS (secureTransport: "on", ALPN)');
  const secure = connect(`localhost:${ports.tlsEcho}`, {
    secureTransport: "on",
    alpn: ["x-sockets-test", "http/1.1"],
    tls,
  });
  const secureInfo = await secure.opened;
  show("handshake", `certificate verified for localhost, ALPN ${secureInfo.alpn}`);
  show("echo", JSON.stringify(await ask(secure, "hello over TLS")));
  await secure.close();

  console.log('\n3. STARTTLS (secureTransport: "starttls")');
  const starttls = connect(`localhost:${ports.starttls}`, { secureTransport: "starttls", tls });
  await starttls.opened;
  show("greeting", JSON.stringify(await readLine(starttls)));
  show("command", `STARTTLS → ${JSON.stringify(await ask(starttls, "STARTTLS"))}`);
  const upgraded = starttls.startTls();
  await upgraded.opened;
  show(
    "upgraded",
    `old socket upgraded=${starttls.upgraded}, new secureTransport=${upgraded.secureTransport}`,
  );
  show("echo", JSON.stringify(await ask(upgraded, "hello inside STARTTLS")));
  await upgraded.close();

  console.log("\n4. Errors you can match by code");
  const refused = connect(`127.0.0.1:${ports.refused}`);
  try {
    await refused.opened;
  } catch (error) {
    if (isSocketError(error, "ECONNREFUSED")) show("refused", error.message);
    else throw error;
  }
  try {
    connect("db.internal");
  } catch (error) {
    if (isSocketError(error, "ERR_INVALID_ADDRESS")) show("bad input", error.message);
    else throw error;
  }
  console.log("\nAll demo steps succeeded.");
} finally {
  await servers.close();
}
