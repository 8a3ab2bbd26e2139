/**
 * The entry scripts that run the suite inside each runtime, as source text.
 * Each imports `connect` as an application would (`@sockets/connect`, resolved
 * by that runtime's own export conditions; workerd-native: `cloudflare:sockets`
 * itself), checks which backend it got, and hands over to `runRemote` from the
 * suite bundle beside it. The configuration (ports, CA, gaps) arrives in the
 * SOCKETS_CONFORMANCE_CONFIG environment variable (workerd: a binding of it).
 */

export type RuntimeName = "node" | "deno" | "bun" | "workerd" | "workerd-native";

export const RUNTIMES: readonly RuntimeName[] = [
  "node",
  "deno",
  "bun",
  "workerd",
  "workerd-native",
];

/** The suite bundle's file name beside the entries. */
export const SUITE_FILE = "suite.mjs";

const checkBackend = (runtime: string, exit: string) => `
if (runtime !== ${JSON.stringify(runtime)}) {
  console.error(\`@sockets/connect resolved to its "\${runtime}" entry here, not "${runtime}".\`);
  ${exit};
}`;

/**
 * After the suite, every socket is closed, so the runtime should exit on its
 * own. If an open handle keeps it alive, say so and stop instead of waiting
 * for the orchestrator's time limit.
 */
const lingerCheck = (runtime: string, exit: string) => `
setTimeout(() => {
  console.error("[${runtime} entry] open handles kept ${runtime} running 10 s after the suite ended.");
  ${exit};
}, 10_000).unref?.();`;

export function entrySource(runtime: RuntimeName, suite = `./${SUITE_FILE}`): string {
  const importSuite = `import { runRemote } from ${JSON.stringify(suite)};`;
  switch (runtime) {
    case "node":
    case "bun":
      return `import { connect, runtime, serve } from "@sockets/connect";
${importSuite}
${checkBackend(runtime, "process.exit(1)")}
let unhandled = 0;
process.on("unhandledRejection", () => {
  unhandled++;
});
await runRemote({ connect, serve, runtime: ${JSON.stringify(runtime)}, unhandledRejections: () => unhandled });
${lingerCheck(runtime, "process.exit(2)")}
`;
    case "deno":
      return `import { connect, runtime, serve } from "@sockets/connect";
${importSuite}
${checkBackend(runtime, "Deno.exit(1)")}
let unhandled = 0;
globalThis.addEventListener("unhandledrejection", (event) => {
  unhandled++;
  event.preventDefault();
});
await runRemote({ connect, serve, runtime: "deno", unhandledRejections: () => unhandled });
const linger = setTimeout(() => {
  console.error("[deno entry] open handles kept deno running 10 s after the suite ended.");
  Deno.exit(2);
}, 10_000);
Deno.unrefTimer(linger);
`;
    case "workerd":
    case "workerd-native": {
      const ours = runtime === "workerd";
      const importConnect = ours
        ? `import { connect, runtime } from "@sockets/connect";`
        : `import { connect } from "cloudflare:sockets";`;
      // \`workerd test\` runs the default export's test(); console.log goes to stdout.
      return `${importConnect}
${importSuite}

let unhandled = 0;
addEventListener("unhandledrejection", (event) => {
  unhandled++;
  event.preventDefault();
});

export default {
  async test(_controller, env) {
    ${ours ? checkBackend("workerd", 'throw new Error("wrong backend: " + runtime)').trim() : "// workerd's own connect(), nothing of ours."}
    await runRemote({
      connect,
      runtime: ${JSON.stringify(runtime)},
      config: JSON.parse(env.SOCKETS_CONFORMANCE_CONFIG),
      // The network service's trustedCertificates holds the test CA.
      hostTrustsCa: true,
      unhandledRejections: () => unhandled,
    });
  },
};
`;
    }
  }
}
