import type { Socket } from "@sockets/core";
import type { CountedServer } from "../servers/protocol.js";
import { fail } from "./assert.js";
import { control, sleep } from "./io.js";

/**
 * Whether a socket really let go of its connection, seen from both ends:
 * - the server's end, on every runtime: the loopback server counts the
 *   connections it holds open ("OPEN <name>"), and a client that keeps its
 *   end open keeps that count up;
 * - our own file descriptors, where the runtime lets a script list
 *   /proc/self/fd (Node and Bun through node:fs; Deno asks for --allow-all to
 *   read /proc/self, so it is left to the server's count).
 */

interface NodeFs {
  readdirSync(path: string): unknown[];
}
interface ProcessWithBuiltins {
  getBuiltinModule?(id: string): unknown;
}

/** How many file descriptors this process has open, or null where the runtime cannot tell us. */
export function openFdCount(): number | null {
  const proc = (globalThis as { process?: ProcessWithBuiltins }).process;
  // Deno implements getBuiltinModule too, but reading /proc/self needs --allow-all there.
  if ("Deno" in globalThis || typeof proc?.getBuiltinModule !== "function") return null;
  try {
    const fs = proc.getBuiltinModule("node:fs") as NodeFs | undefined;
    return fs ? fs.readdirSync("/proc/self/fd").length : null;
  } catch {
    return null; // No /proc (workerd's virtual file system, other systems).
  }
}

export interface Snapshot {
  readonly fds: number | null;
  readonly open: number;
}

type ControlConnect = (address: string) => Socket;

export async function snapshot(
  connect: ControlConnect,
  controlPort: number,
  server: CountedServer,
): Promise<Snapshot> {
  return {
    fds: openFdCount(),
    open: Number(await control(connect, controlPort, `OPEN ${server}`)),
  };
}

/**
 * Waits (bounded, generously: the machine may be loaded) until the server
 * holds no more connections than before and our fd count is back within
 * `slack` of where it was. `slack` absorbs descriptors the runtime opens for
 * its own reasons; callers make more connections than that, so a leak shows.
 */
export async function expectReleased(
  connect: ControlConnect,
  controlPort: number,
  server: CountedServer,
  before: Snapshot,
  what: string,
  slack = 3,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  let now = before;
  for (;;) {
    now = await snapshot(connect, controlPort, server);
    const fdsOk = now.fds === null || before.fds === null || now.fds <= before.fds + slack;
    if (now.open <= before.open && fdsOk) return;
    if (Date.now() > deadline) break;
    await sleep(100);
  }
  fail(
    `${what}: not released within 10 s: the ${server} server still holds ${now.open} connections (${before.open} before)` +
      (now.fds !== null && before.fds !== null
        ? `, ${now.fds} fds open (${before.fds} before)`
        : ""),
  );
}
