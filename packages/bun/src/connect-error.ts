import { formatHostPort } from "@sockets/core/backend";
import { bun } from "./bun-api.js";

/** Codes a route lookup fails with, as Node and Deno report them for a TCP connect. */
const ROUTE_FAILURES = new Set(["ENETUNREACH", "EHOSTUNREACH"]);
/** The probe only asks the kernel for a route; it never waits on the network. */
const PROBE_LIMIT_MS = 2_000;

/**
 * Bun 1.4.5 reports every failed TCP connect as ECONNREFUSED, whatever the
 * kernel said (ENOENT aside): `handleConnectError` in
 * src/bun.js/api/bun/socket.zig replaces the errno before any JavaScript sees
 * it (an unreachable network was observed as ECONNREFUSED, errno -111, while
 * strace showed connect() failing with ENETUNREACH). Node and Deno report the
 * kernel's code (issue 9, defect 10).
 *
 * So an ECONNREFUSED from Bun is checked once: connecting a UDP socket to the
 * same address makes the kernel look up the same route and sends nothing
 * (connect(2) on a datagram socket only records the peer), and Bun reports
 * that errno as it is. If the route lookup fails, that is the failure;
 * otherwise the refusal stands. Only failed connections pay for this.
 */
export async function refineConnectError(
  error: unknown,
  hostname: string,
  port: number,
): Promise<unknown> {
  if (codeOf(error) !== "ECONNREFUSED") return error;
  const routeError = await probeRoute(hostname, port);
  const code = codeOf(routeError);
  if (code === undefined || !ROUTE_FAILURES.has(code)) return error;
  return Object.assign(
    new Error(`connect ${code} ${formatHostPort(hostname, port)}`, { cause: error }),
    { code, syscall: "connect" },
  );
}

/** Resolves with the error a UDP connect to the address fails with, or undefined. */
function probeRoute(hostname: string, port: number): Promise<unknown> {
  return new Promise((resolve) => {
    let settled = false;
    const timer = setTimeout(() => finish(undefined), PROBE_LIMIT_MS);
    const finish = (result: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    let probe: ReturnType<typeof bun.udpSocket>;
    try {
      // An IPv6 literal needs an IPv6 socket (Bun binds IPv4 by default).
      const bind = hostname.includes(":") ? { hostname: "::" } : {};
      probe = bun.udpSocket({ ...bind, connect: { hostname, port } });
    } catch (probeError) {
      finish(probeError);
      return;
    }
    probe.then(
      (socket) => {
        socket.close();
        finish(undefined);
      },
      (probeError: unknown) => finish(probeError),
    );
  });
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}
