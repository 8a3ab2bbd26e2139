/**
 * The driver cases in Node, Deno or Bun: configuration from the environment,
 * result lines on stdout. Nothing here ends the process: it must exit by
 * itself once the drivers have closed everything (the clean-shutdown case).
 */
import { DRIVERS, type DriverConfig, runDriverCases } from "../cases/index.js";
import { CONFIG_ENV, LINGER_EXIT_CODE, LINGER_MS } from "./protocol.js";

const raw = process.env[CONFIG_ENV];
if (raw === undefined) throw new Error(`${CONFIG_ENV} is not set`);
await runDriverCases(DRIVERS, JSON.parse(raw) as DriverConfig, (line) => console.log(line));

// A watchdog that does not itself keep the process alive: if something else
// does, report it and exit, so the orchestrator needs no kill to learn it.
const linger = setTimeout(() => {
  console.error(`open handles kept the process running ${LINGER_MS} ms after the cases ended`);
  process.exit(LINGER_EXIT_CODE);
}, LINGER_MS) as unknown;
if (typeof linger === "object" && linger !== null && "unref" in linger) {
  (linger as { unref(): void }).unref();
} else {
  // Deno: timers are numbers, unref'd through Deno.unrefTimer.
  (globalThis as unknown as { Deno: { unrefTimer(id: unknown): void } }).Deno.unrefTimer(linger);
}
