import { fileURLToPath } from "node:url";
import { bunBinary } from "@sockets/conformance/binaries";
import { bunGaps } from "@sockets/conformance/gaps";
import { linkConnectPackage } from "@sockets/conformance/link-connect";
import { registerSubprocessSuite } from "@sockets/conformance/subprocess-vitest";

// The real bun executable of the version this package pins (devDependency
// "bun"), not the .bin shim: stopping it by PID must stop Bun itself.
const bun = bunBinary(fileURLToPath(new URL("..", import.meta.url)));
const entry = fileURLToPath(new URL("./entry.ts", import.meta.url));

registerSubprocessSuite({
  runtime: "bun",
  gaps: bunGaps,
  spawn: () => {
    linkConnectPackage(
      fileURLToPath(new URL(".", import.meta.url)),
      fileURLToPath(new URL("../../connect", import.meta.url)),
    );
    return { command: bun, args: ["run", entry], timeoutMs: 15 * 60_000 };
  },
});
