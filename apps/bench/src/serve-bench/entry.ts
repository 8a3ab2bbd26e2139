/**
 * One server process of the server rows: `<candidate> <workload>` on argv
 * (after the script), candidate "ours" (serve() from @sockets/connect),
 * "native" (the runtime's own listener) or "bare" (the
 * least a web-streams server can do on the native socket: accept everywhere,
 * echo on Node and Deno); workload "accept" (greet each
 * connection with one byte; it closes when the client does) or "echo" (write
 * back every byte). Prints `@@serve {"port":N}` once listening, then serves
 * until the orchestrator kills it by its PID.
 */
import type { Serve, Socket } from "@sockets/connect";

declare const Deno: {
  args: string[];
  listen(options: { hostname: string; port: number }): {
    addr: { port: number };
    accept(): Promise<DenoConn>;
  };
};
interface DenoConn {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  setNoDelay(on: boolean): void;
  close(): void;
}
declare const Bun: {
  listen<Data>(options: { hostname: string; port: number; socket: BunHandlers<Data> }): {
    port: number;
  };
};
interface BunSock<Data> {
  write(data: Uint8Array): number;
  end(): void;
  pause(): void;
  resume(): void;
  data: Data;
}
interface BunHandlers<Data> {
  binaryType?: "uint8array";
  open(s: BunSock<Data>): void;
  data(s: BunSock<Data>, chunk: Uint8Array<ArrayBuffer>): void;
  drain(s: BunSock<Data>): void;
  end?(s: BunSock<Data>): void;
  close(s: BunSock<Data>): void;
}

const HOST = "127.0.0.1";
const GREETING = new Uint8Array([0x2b]);

type Workload = "accept" | "echo";

const g = globalThis as { Deno?: unknown; Bun?: unknown };
const runtime = g.Deno !== undefined ? "deno" : g.Bun !== undefined ? "bun" : "node";
const args: string[] =
  runtime === "deno"
    ? Deno.args
    : (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const [candidate, workload] = args as ["ours" | "native" | "bare", Workload];

function ready(port: number): void {
  console.log(`@@serve ${JSON.stringify({ port })}`);
}

async function ours(): Promise<void> {
  const { serve } = (await import("@sockets/connect")) as { serve: Serve };
  const handler =
    workload === "accept"
      ? async (socket: Socket) => {
          const writer = socket.writable.getWriter();
          await writer.write(GREETING);
          writer.releaseLock();
        }
      : (socket: Socket) => socket.readable.pipeTo(socket.writable);
  const server = await serve({ hostname: HOST, port: 0, connect: handler, error: () => {} }).ready;
  ready(server.port);
}

/**
 * The accept floor ("bare" accept): the greeting goes out through a
 * WritableStream's writer over the native write, and the writer is released,
 * as the serve() handler does: what any handler on the streams interface
 * pays per connection on top of the native listener.
 */
async function greetThroughStream(write: (chunk: Uint8Array) => unknown): Promise<void> {
  const writer = new WritableStream<Uint8Array>({
    async write(chunk) {
      await write(chunk);
    },
  }).getWriter();
  await writer.write(GREETING);
  writer.releaseLock();
}

async function nodeNative(): Promise<void> {
  const { createServer } = await import("node:net");
  const server = createServer({ noDelay: true }, (socket) => {
    socket.on("error", () => {});
    // The greeting only: the socket closes when the client does (allowHalfOpen
    // false), as every other server here does; end(GREETING) would make the
    // server the one to close first, a different TCP teardown.
    if (workload === "accept") {
      if (candidate === "bare") void greetThroughStream((chunk) => socket.write(chunk));
      else socket.write(GREETING);
    } else socket.pipe(socket);
  });
  server.listen(0, HOST, () => {
    const address = server.address();
    ready(typeof address === "object" && address !== null ? address.port : 0);
  });
}

async function denoNative(): Promise<void> {
  const listener = Deno.listen({ hostname: HOST, port: 0 });
  ready(listener.addr.port);
  for (;;) {
    const conn = await listener.accept();
    conn.setNoDelay(true);
    void (async () => {
      try {
        if (workload === "accept") {
          if (candidate === "bare") await greetThroughStream((chunk) => conn.write(chunk));
          else await conn.write(GREETING);
          const scratch = new Uint8Array(16);
          while ((await conn.read(scratch)) !== null) {}
        } else {
          const buffer = new Uint8Array(64 * 1024);
          for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
            let off = 0;
            while (off < n) off += await conn.write(buffer.subarray(off, n));
          }
        }
      } catch {
        // The client went away.
      } finally {
        try {
          conn.close();
        } catch {}
      }
    })();
  }
}

/**
 * The floor of a streams-based echo on Node: a byte stream fed by the
 * socket's 'data' events (paused while the stream has no reader waiting)
 * piped to a WritableStream over socket.write, waiting for 'drain' when
 * Node's buffer is full — streams shaped like ours, with nothing else.
 */
async function nodeBare(): Promise<void> {
  const { createServer } = await import("node:net");
  const server = createServer({ noDelay: true }, (socket) => {
    socket.on("error", () => {});
    const readable = new ReadableStream(
      {
        type: "bytes",
        start(controller) {
          // Each socket read is its own allocation in Node, so the chunk can be
          // handed over (enqueue detaches its buffer) without a copy.
          socket.on("data", (chunk: Uint8Array<ArrayBuffer>) => {
            controller.enqueue(chunk);
            if ((controller.desiredSize ?? 0) <= 0) socket.pause();
          });
          socket.once("end", () => controller.close());
        },
        pull() {
          socket.resume();
        },
      },
      { highWaterMark: 64 * 1024 },
    );
    const writable = new WritableStream<Uint8Array>({
      write(chunk) {
        if (socket.write(chunk)) return;
        return new Promise<void>((resolve) => socket.once("drain", resolve));
      },
    });
    readable
      .pipeTo(writable)
      .catch(() => {})
      .finally(() => socket.destroy());
  });
  server.listen(0, HOST, () => {
    const address = server.address();
    ready(typeof address === "object" && address !== null ? address.port : 0);
  });
}

/**
 * The floor of a streams-based echo on Deno: a byte stream pulling each read
 * into a fresh 64 KiB buffer (an enqueued chunk is handed over, so a buffer
 * cannot be reused) piped to a WritableStream over conn.write — streams shaped
 * like ours, with nothing else.
 */
async function denoBare(): Promise<void> {
  const listener = Deno.listen({ hostname: HOST, port: 0 });
  ready(listener.addr.port);
  for (;;) {
    const conn = await listener.accept();
    conn.setNoDelay(true);
    const readable = new ReadableStream(
      {
        type: "bytes",
        async pull(controller) {
          const buffer = new Uint8Array(64 * 1024);
          const n = await conn.read(buffer);
          if (n === null) controller.close();
          else controller.enqueue(buffer.subarray(0, n));
        },
      },
      { highWaterMark: 0 },
    );
    const writable = new WritableStream<Uint8Array>({
      async write(chunk) {
        let off = 0;
        while (off < chunk.byteLength) off += await conn.write(chunk.subarray(off));
      },
    });
    readable
      .pipeTo(writable)
      .catch(() => {})
      .finally(() => {
        try {
          conn.close();
        } catch {}
      });
  }
}

/**
 * Bun's write() takes what the kernel takes and no more: the rest waits in a
 * queue of chunks (never re-joined: copying the backlog into one buffer per
 * chunk made this baseline quadratic under backpressure, 46 MB/s), and reads
 * pause while anything waits, as ours does, so the backlog stays one read deep.
 */
function bunNative(): void {
  const server = Bun.listen<{ queue: Uint8Array[] }>({
    hostname: HOST,
    port: 0,
    socket: {
      open(s) {
        s.data = { queue: [] };
        if (workload === "accept") {
          if (candidate === "bare") void greetThroughStream((chunk) => s.write(chunk));
          else s.write(GREETING);
        }
      },
      data(s, chunk) {
        if (workload !== "echo") return;
        const { queue } = s.data;
        if (queue.length > 0) {
          queue.push(chunk);
          return;
        }
        const written = s.write(chunk);
        if (written < chunk.byteLength) {
          queue.push(chunk.subarray(Math.max(0, written)));
          s.pause();
        }
      },
      drain(s) {
        const { queue } = s.data;
        while (queue.length > 0) {
          const head = queue[0]!;
          const written = s.write(head);
          if (written < head.byteLength) {
            queue[0] = head.subarray(Math.max(0, written));
            return;
          }
          queue.shift();
        }
        s.resume();
      },
      close() {},
    },
  });
  ready(server.port);
}

/** One Bun socket of the bare echo: its stream's controller, and a write waiting for `drain`. */
interface BunBareState {
  controller: ReadableByteStreamController | null;
  rest: Uint8Array | null;
  written: (() => void) | null;
}

/**
 * The floor of a streams-based echo on Bun: a byte stream fed by the `data`
 * handler (reads paused while the stream has no room, resumed by `pull`)
 * piped to a WritableStream over write(), which sends what the kernel did not
 * take on `drain` — streams shaped like ours, with nothing else. Each chunk
 * owns its ArrayBuffer (binaryType "uint8array"), so enqueue takes it as is.
 */
function bunBare(): void {
  const server = Bun.listen<BunBareState>({
    hostname: HOST,
    port: 0,
    socket: {
      binaryType: "uint8array",
      open(s) {
        const state: BunBareState = { controller: null, rest: null, written: null };
        s.data = state;
        const readable = new ReadableStream(
          {
            type: "bytes",
            start(controller) {
              state.controller = controller;
            },
            pull() {
              s.resume();
            },
          },
          { highWaterMark: 64 * 1024 },
        );
        const writable = new WritableStream<Uint8Array>({
          write(chunk) {
            const written = s.write(chunk);
            if (written === chunk.byteLength) return;
            if (written < 0) throw new Error("closed");
            return new Promise<void>((resolve) => {
              state.rest = chunk.subarray(written);
              state.written = resolve;
            });
          },
        });
        readable
          .pipeTo(writable)
          .catch(() => {})
          .finally(() => s.end());
      },
      data(s, chunk) {
        const { controller } = s.data;
        if (controller === null) return;
        controller.enqueue(chunk);
        if ((controller.desiredSize ?? 0) <= 0) s.pause();
      },
      drain(s) {
        const state = s.data;
        if (state.rest === null) return;
        const written = s.write(state.rest);
        if (written >= 0 && written < state.rest.byteLength) {
          state.rest = state.rest.subarray(written);
          return;
        }
        const resolve = state.written;
        state.rest = null;
        state.written = null;
        resolve?.();
      },
      end(s) {
        try {
          s.data.controller?.close();
        } catch {}
      },
      close(s) {
        // A write still waiting will never drain: let the pipe finish.
        const resolve = s.data.written;
        s.data.rest = null;
        s.data.written = null;
        resolve?.();
        try {
          s.data.controller?.close();
        } catch {}
      },
    },
  });
  ready(server.port);
}

if (candidate === "ours") await ours();
else if (candidate === "bare" && workload === "echo") {
  if (runtime === "bun") bunBare();
  else if (runtime === "deno") await denoBare();
  else await nodeBare();
} else if (runtime === "node") await nodeNative();
else if (runtime === "deno") await denoNative();
else bunNative();
