/**
 * The same import through an `npm:` specifier. With a node_modules directory
 * (`--node-modules-dir=manual`), Deno resolves it from node_modules, applying
 * the package's export conditions, without a registry. Prints what it got and
 * proves the entry works with one echo through the server named in argv.
 */
import { connect, runtime } from "npm:@sockets/connect";

interface DenoGlobal {
  readonly args: readonly string[];
}
const { Deno } = globalThis as unknown as { Deno: DenoGlobal };

const port = Number(Deno.args[0]);
const socket = connect({ hostname: "127.0.0.1", port });
const writer = socket.writable.getWriter();
await writer.write("npm specifier\n");
await writer.close();
let echoed = "";
const decoder = new TextDecoder();
for await (const chunk of socket.readable as unknown as AsyncIterable<Uint8Array>) {
  echoed += decoder.decode(chunk, { stream: true });
}
console.log(JSON.stringify({ runtime, echoed }));
