/**
 * The conformance suite inside Bun (`bun run test/entry.ts`), started by
 * conformance.test.ts with the servers' configuration in its environment.
 * Prints one result line per case.
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { runRemote } from "@sockets/conformance/remote";
import type { Connect, Serve } from "@sockets/core";
import { bunGaps } from "../../../apps/conformance/src/gaps/bun.js";

/** The one Bun API this script uses (this package's main typecheck has no @types/bun). */
declare const Bun: { resolveSync(specifier: string, parentDirectory: string): string };

// @sockets/connect depends on @sockets/bun, so @sockets/bun cannot depend on it
// back (a workspace cycle). Resolve it as an application would, from the
// node_modules link conformance.test.ts gives this directory: Bun's own
// resolver applies the export conditions, and the "bun" entry must be the one it picks.
const universal = Bun.resolveSync("@sockets/connect", dirname(fileURLToPath(import.meta.url)));
const { connect, serve, runtime } = (await import(universal)) as {
  connect: Connect;
  serve: Serve;
  runtime: string;
};
if (runtime !== "bun") {
  console.error(
    `@sockets/connect resolved to ${universal} (runtime "${runtime}"), not its "bun" entry.`,
  );
  process.exit(1);
}

let unhandled = 0;
process.on("unhandledRejection", () => {
  unhandled++;
});

await runRemote({
  connect,
  serve,
  runtime: "bun",
  gaps: bunGaps,
  unhandledRejections: () => unhandled,
});

// Every socket is closed by now, so Bun exits on its own; if a handle were
// left open it would not. Say so and stop rather than wait for the
// orchestrator's time limit.
setTimeout(() => {
  console.error("[bun entry] open handles kept Bun running 10 s after the suite ended.");
  process.exit(2);
}, 10_000).unref();
