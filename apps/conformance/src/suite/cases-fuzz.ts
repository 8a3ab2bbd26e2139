import type { Socket, SocketOptions } from "@sockets/core";
import fc from "fast-check";
import { fail, ok } from "./assert.js";
import { defineCases, type SuiteContext } from "./harness.js";
import { within } from "./io.js";

/**
 * Property-based fuzzing of the public surface (issue 9): arbitrary
 * addresses, options (getters that throw, Proxies, a polluted
 * Object.prototype) and writable chunks. Whatever comes in, `connect()`
 * returns a Socket or throws a SocketError with a code, synchronously; every
 * promise settles; nothing rejects unhandled.
 *
 * CI runs a fixed seed and a modest number of runs. For a longer run set
 * SOCKETS_FUZZ_RUNS (and optionally SOCKETS_FUZZ_SEED), for example
 * `SOCKETS_FUZZ_RUNS=5000 npx vitest run --project node -t fuzz`.
 *
 * Only loopback is ever contacted: a generated host is either a loopback
 * name or contains a character no hostname may have, so it can never be
 * looked up or reached.
 */

const DEFAULT_RUNS = 150;
const DEFAULT_SEED = 0x5eed;

function setting(name: string): number | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const value = Number(env?.[name]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

const runs = (share: number) =>
  Math.max(1, Math.round((setting("SOCKETS_FUZZ_RUNS") ?? DEFAULT_RUNS) * share));
const seed = () => setting("SOCKETS_FUZZ_SEED") ?? DEFAULT_SEED;

function isSocketErrorShape(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    error.name === "SocketError" &&
    typeof (error as { code?: unknown }).code === "string" &&
    error.message.startsWith("SocketError: ")
  );
}

/** Something that throws when touched: a getter, a Proxy trap, a revoked Proxy. */
function hostile<T extends object>(shape: T, kind: number): unknown {
  switch (kind % 4) {
    case 0:
      return Object.defineProperty({ ...shape }, "secureTransport", {
        enumerable: true,
        get() {
          throw new Error("getter");
        },
      });
    case 1:
      return new Proxy(shape, {
        get() {
          throw new Error("get trap");
        },
      });
    case 2:
      return new Proxy(shape, {
        ownKeys() {
          throw new Error("ownKeys trap");
        },
      });
    default: {
      const { proxy, revoke } = Proxy.revocable(shape, {});
      revoke();
      return proxy;
    }
  }
}

const KNOWN_KEYS = [
  "secureTransport",
  "allowHalfOpen",
  "sni",
  "alpn",
  "highWaterMark",
  "tls",
  "signal",
  "connectTimeout",
  "noDelay",
  "keepAlive",
] as const;

function arbitraries(ctx: SuiteContext) {
  const { ports } = ctx;
  const badChar = fc.constantFrom(" ", "/", "@", "#", "?", "%", "\u0000", "é", "\n", "*");
  // Always invalid as a hostname: a character outside the hostname alphabet is spliced in.
  const invalidHost = fc
    .tuple(fc.string({ maxLength: 20 }), badChar, fc.string({ maxLength: 20 }))
    .map(([a, bad, b]) => `${a}${bad}${b}`);
  const loopbackHost = fc.constantFrom("127.0.0.1", "localhost", "[::1]");
  const port = fc.oneof(
    fc.constantFrom(ports.echo, ports.refused, ports.tlsEcho, 0, -1, 65536, 1.5, Number.NaN),
    fc.integer({ min: -100_000, max: 100_000 }),
    fc.double(),
    fc.string({ maxLength: 8 }),
    fc.anything(),
  );
  const addressString = fc.oneof(
    fc.tuple(fc.oneof(loopbackHost, invalidHost), port).map(([h, p]) => `${h}:${String(p)}`),
    invalidHost,
    fc.string({ maxLength: 300 }).map((s) => `${s} `),
  );
  const addressObject = fc
    .record(
      { hostname: fc.oneof(loopbackHost, fc.constant("::1"), invalidHost, fc.anything()), port },
      { requiredKeys: [] },
    )
    .chain((record) =>
      fc.oneof(
        fc.constant(() => record as unknown),
        fc.nat(3).map((kind) => () => hostile(record, kind)),
      ),
    );
  // Hostile values are made inside the property, through these thunks:
  // fast-check itself inspects the values it generates, and a revoked Proxy
  // throws at the first touch.
  const address = fc.oneof(
    addressString.map((value) => () => value as unknown),
    addressObject,
    fc.anything().map((value) => () => value),
  );

  const optionValue = fc.oneof(
    fc.anything(),
    fc.constantFrom("off", "on", "starttls", true, false, 0, 2 ** 31, -1, null, undefined),
    fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
    fc.constant(AbortSignal.abort()),
    fc.record({ ca: fc.anything(), cert: fc.anything(), key: fc.anything() }, { requiredKeys: [] }),
  );
  const optionsRecord = fc.dictionary(
    fc.oneof(fc.constantFrom(...KNOWN_KEYS), fc.string({ maxLength: 12 })),
    optionValue,
    { maxKeys: 5 },
  );
  const options = fc.oneof(
    optionsRecord.map((record) => () => record as unknown),
    fc.tuple(optionsRecord, fc.nat(3)).map(
      ([record, kind]) =>
        () =>
          hostile(record, kind),
    ),
    fc.anything().map((value) => () => value),
  );
  const pollution = fc.option(fc.tuple(fc.constantFrom(...KNOWN_KEYS), optionValue), {
    nil: undefined,
  });
  return { address, options, pollution };
}

/** Sets an inherited property on Object.prototype for the duration of `fn`. */
function withPollution<T>(entry: readonly [string, unknown] | undefined, fn: () => T): T {
  if (entry === undefined) return fn();
  const [key, value] = entry;
  Object.defineProperty(Object.prototype, key, { value, configurable: true, writable: true });
  try {
    return fn();
  } finally {
    delete (Object.prototype as Record<string, unknown>)[key];
  }
}

async function settles(socket: Socket, what: string): Promise<void> {
  await within(
    Promise.allSettled([socket.close(), socket.opened, socket.closed]),
    20_000,
    `${what}: close(), opened and closed to settle`,
  );
}

function chunkArbitrary() {
  const detachedView = fc.nat(16).map((n) => {
    const buffer = new ArrayBuffer(n);
    const view = new Uint8Array(buffer);
    structuredClone(buffer, { transfer: [buffer] });
    return view;
  });
  return fc.oneof(
    fc.string({ maxLength: 64 }),
    fc.uint8Array({ maxLength: 64 }),
    fc.int32Array({ maxLength: 16 }),
    fc.float64Array({ maxLength: 8 }),
    fc.nat(64).map((n) => new ArrayBuffer(n)),
    fc.nat(64).map((n) => new DataView(new ArrayBuffer(n))),
    detachedView,
    fc.uint8Array({ maxLength: 8 }).map((b) => new Proxy(b, {})),
    fc.constant(Object.setPrototypeOf({}, Uint8Array.prototype)),
    fc.anything(),
  );
}

export const fuzzCases = defineCases("fuzz", {
  "connect() with arbitrary addresses and options returns a Socket or throws a SocketError synchronously, and every promise settles":
    {
      timeoutMs: 300_000,
      async run(ctx) {
        const before = ctx.unhandledRejections();
        const { address, options, pollution } = arbitraries(ctx);
        await fc.assert(
          fc.asyncProperty(address, options, pollution, async (addr, opts, polluted) => {
            let socket: Socket | undefined;
            try {
              const a = addr();
              const o = opts();
              socket = withPollution(polluted, () => ctx.connect(a as string, o as SocketOptions));
            } catch (error) {
              ok(
                isSocketErrorShape(error),
                `connect() threw something other than a SocketError: ${String(error)}`,
              );
              return;
            }
            ok(
              typeof socket === "object" &&
                socket !== null &&
                socket.opened instanceof Promise &&
                socket.closed instanceof Promise,
              "connect() returned something other than a Socket",
            );
            await settles(socket, "a socket from fuzzed input");
          }),
          { seed: seed(), numRuns: runs(1), endOnFailure: true },
        );
        // Rejections are reported a turn or two late: give them the chance.
        await new Promise((resolve) => setTimeout(resolve, 100));
        if (ctx.unhandledRejections() !== before) {
          fail(`${ctx.unhandledRejections() - before} unhandled rejections during the fuzz run`);
        }
      },
    },
  "the writable accepts bytes and strings and rejects anything else with a SocketError": {
    timeoutMs: 300_000,
    async run(ctx) {
      const before = ctx.unhandledRejections();
      await fc.assert(
        fc.asyncProperty(chunkArbitrary(), async (chunk) => {
          const socket = ctx.connect(`127.0.0.1:${ctx.ports.echo}`);
          const writer = socket.writable.getWriter();
          try {
            await within(writer.write(chunk as Uint8Array), 20_000, "a fuzzed write");
          } catch (error) {
            ok(
              isSocketErrorShape(error),
              `a write rejected with something other than a SocketError: ${String(error)}`,
            );
          }
          writer.releaseLock();
          await settles(socket, "a socket written fuzzed chunks");
        }),
        { seed: seed(), numRuns: runs(0.4), endOnFailure: true },
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (ctx.unhandledRejections() !== before) {
        fail(`${ctx.unhandledRejections() - before} unhandled rejections during the fuzz run`);
      }
    },
  },
});
