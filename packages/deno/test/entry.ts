/**
 * Runs the shared conformance suite inside Deno, on whatever "@sockets/connect"
 * resolves to there: its export conditions must pick @sockets/deno. Started by
 * conformance.test.ts with the loopback servers' configuration in the environment.
 */

import { runRemote } from "@sockets/conformance/remote";
import { connect, runtime, serve } from "@sockets/connect";
import { denoGaps } from "../../../apps/conformance/src/gaps/deno.ts";

interface DenoGlobal {
  exit(code: number): never;
}
interface RejectionEvents {
  addEventListener(
    type: "unhandledrejection",
    listener: (event: { preventDefault(): void }) => void,
  ): void;
}

const { Deno } = globalThis as unknown as { Deno: DenoGlobal };

let unhandledRejections = 0;
(globalThis as unknown as RejectionEvents).addEventListener("unhandledrejection", (event) => {
  unhandledRejections++;
  // Counted by the suite; without this Deno would exit on the first one.
  event.preventDefault();
});

if (runtime !== "deno") {
  console.error(
    `"@sockets/connect" resolved to its "${runtime}" entry on Deno; the "deno" export condition should win.`,
  );
  Deno.exit(2);
}

await runRemote({
  connect,
  serve,
  runtime: "deno",
  gaps: denoGaps,
  unhandledRejections: () => unhandledRejections,
});
