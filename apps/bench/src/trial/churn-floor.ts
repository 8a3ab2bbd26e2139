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
 * without the streams runs too, unmarked, after the measured one, and is
 * reported alongside as `extra.lazyStreams`.
 *
 * The remote address is the literal connected to (the trials dial IPv4
 * loopback by address, so no runtime has to be asked); the local one is read
 * from the runtime, once, the cheapest way it offers. Reported as
 * connections per second, the unit of the native and ours rows, so the
 * report divides it by native's rate of the same repetition.
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

/** Same warm-up and count as the native and ours churn loops. */
async function loop(ctx: WorkloadContext, cycle: () => Promise<void>): Promise<number> {
  const n = ctx.scale.churnConnections;
  for (let i = warmupConnections(n); i > 0; i--) await cycle();
  ctx.mark("start");
  const start = now();
  for (let i = 0; i < n; i++) await cycle();
  const ms = now() - start;
  ctx.mark("end");
  return n / (ms / 1e3);
}

/** The churn workload of the bare candidate on a runtime with a native socket API. */
export function churnFloor<C>(native: NativeChurn<C>): Candidate["churn"] {
  return async (ctx) => {
    const port = ctx.ports.hold;
    const remoteAddress = `${HOST}:${port}`;
    let infos = 0;
    const lazy = async (): Promise<void> => {
      const connection = await native.connect(port);
      const opened = new Promise<OpenedInfo>((resolve) =>
        resolve({ remoteAddress, localAddress: native.localAddress(connection) }),
      );
      if ((await opened).localAddress.length > 0) infos++;
      native.destroy(connection);
    };
    const cycle = async (): Promise<void> => {
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
      const opened = new Promise<OpenedInfo>((resolve) =>
        resolve({ remoteAddress, localAddress: native.localAddress(connection) }),
      );
      if ((await opened).localAddress.length > 0) infos++;
      await Promise.all([readable.cancel(), writable.abort()]);
      destroy();
    };
    const value = await loop(ctx, cycle);
    const lazyStreams = await loop({ ...ctx, mark: () => {} }, lazy);
    // Every connection must have reported an address: a floor that skipped
    // the work would read high.
    const n = ctx.scale.churnConnections;
    const expected = 2 * (n + warmupConnections(n));
    if (infos !== expected) throw new Error(`${expected - infos} connections had no local address`);
    return { value, extra: { lazyStreams } };
  };
}
