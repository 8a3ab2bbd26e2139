/**
 * The churn floor: this runtime's native connect and close plus the least a
 * Socket built on web streams has to do per connection (spec: connect()
 * returns a Socket whose `readable` is a ReadableStream and `writable` a
 * WritableStream, and `opened` resolves with a SocketInfo naming the remote
 * and local address). Per connection: a byte ReadableStream and a
 * WritableStream over the native connection, a promise resolved with both
 * addresses once it is open, then both streams closed and the connection
 * destroyed. Nothing else: no validation, no state, no events listened to.
 *
 * A Socket may also make its streams on first access (ours does: a socket
 * used only for `opened` and `close()` never builds them), so the same loop
 * without the streams runs too, and the native loop itself, interleaved with
 * the floor in this process (see `interleaved`).
 *
 * The remote address is the literal connected to (the trials dial IPv4
 * loopback by address, so no runtime has to be asked); the local one is read
 * from the runtime, once, the cheapest way it offers. Reported as
 * connections per second, the unit of the native and ours rows.
 */
import { type Candidate, now, type WorkloadContext } from "./harness.js";
import { HOST } from "./protocol.js";

/** What a runtime's native side supplies: connect, its local address, destroy. */
export interface NativeChurn<C> {
  connect(port: number): Promise<C>;
  /** `host:port` of our end, as `opened`'s `localAddress` spells it. */
  localAddress(connection: C): string;
  destroy(connection: C): void;
}

/** The SocketInfo fields the spec requires `opened` to resolve with. */
interface OpenedInfo {
  readonly remoteAddress: string;
  readonly localAddress: string;
}

/** The sizes ours uses: a 64 KiB byte-counting writable, a byte readable with no buffer of its own. */
const WRITABLE_HIGH_WATER_MARK = 64 * 1024;
const byteLength = (chunk: Uint8Array): number => chunk.byteLength;

const warmupConnections = (n: number): number => Math.min(500, Math.max(50, n >> 2));

/** Blocks per loop: each variant runs n / BLOCKS connections at a time, in rotating order. */
const BLOCKS = 8;

type Variant = "native" | "floor" | "lazy";

/**
 * Runs the native loop, the floor and its lazy-streams form interleaved in
 * blocks within this one process, so a slow spell of the shared machine hits
 * all three alike; the report takes the floor as floor ÷ native of the same
 * process (a ratio across processes swung as much as the rows it bounds).
 * Returns connections per second of each.
 */
async function interleaved(
  ctx: WorkloadContext,
  cycles: Record<Variant, () => Promise<void>>,
): Promise<Record<Variant, number>> {
  const n = ctx.scale.churnConnections;
  const order: Variant[] = ["native", "floor", "lazy"];
  for (const variant of order) {
    for (let i = warmupConnections(n); i > 0; i--) await cycles[variant]();
  }
  const ms: Record<Variant, number> = { native: 0, floor: 0, lazy: 0 };
  const done: Record<Variant, number> = { native: 0, floor: 0, lazy: 0 };
  ctx.mark("start");
  for (let block = 0; block < BLOCKS; block++) {
    const size = Math.ceil((n * (block + 1)) / BLOCKS) - Math.ceil((n * block) / BLOCKS);
    for (let k = 0; k < order.length; k++) {
      const variant = order[(block + k) % order.length]!;
      const cycle = cycles[variant];
      const start = now();
      for (let i = 0; i < size; i++) await cycle();
      ms[variant] += now() - start;
      done[variant] += size;
    }
  }
  ctx.mark("end");
  const rate = (v: Variant) => done[v] / (ms[v] / 1e3);
  return { native: rate("native"), floor: rate("floor"), lazy: rate("lazy") };
}

/**
 * The churn workload of the bare candidate on a runtime with a native socket
 * API: `value` is the floor's connections per second, `extra.native` the
 * native loop's and `extra.lazyStreams` the lazy form's, measured alongside.
 */
export function churnFloor<C>(native: NativeChurn<C>): Candidate["churn"] {
  return async (ctx) => {
    const port = ctx.ports.hold;
    const remoteAddress = `${HOST}:${port}`;
    let infos = 0;
    const opened = (connection: C) =>
      new Promise<OpenedInfo>((resolve) =>
        resolve({ remoteAddress, localAddress: native.localAddress(connection) }),
      );
    const lazy = async (): Promise<void> => {
      const connection = await native.connect(port);
      if ((await opened(connection)).localAddress.length > 0) infos++;
      native.destroy(connection);
    };
    const floor = async (): Promise<void> => {
      const connection = await native.connect(port);
      let open = true;
      const destroy = () => {
        if (open) native.destroy(connection);
        open = false;
      };
      const readable = new ReadableStream({ type: "bytes", cancel: destroy }, { highWaterMark: 0 });
      const writable = new WritableStream<Uint8Array>(
        { close: destroy, abort: destroy },
        { highWaterMark: WRITABLE_HIGH_WATER_MARK, size: byteLength },
      );
      if ((await opened(connection)).localAddress.length > 0) infos++;
      await Promise.all([readable.cancel(), writable.abort()]);
      destroy();
    };
    const plain = async (): Promise<void> => native.destroy(await native.connect(port));
    const rates = await interleaved(ctx, { native: plain, floor, lazy });
    // Every connection must have reported an address: a floor that skipped
    // the work would read high.
    const n = ctx.scale.churnConnections;
    const expected = 2 * (n + warmupConnections(n));
    if (infos !== expected) throw new Error(`${expected - infos} connections had no local address`);
    return { value: rates.floor, extra: { native: rates.native, lazyStreams: rates.lazy } };
  };
}
