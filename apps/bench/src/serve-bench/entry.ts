/**
 * One server process of the server rows: `<candidate> <workload>` on argv
 * (after the script), candidate "ours" (serve() from @sockets/connect),
 * "native" (the runtime's own listener) or "bare" (Deno, echo only: the
 * least a web-streams server can do on the native conn); workload "accept" (greet each
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
  listen(options: { hostname: string; port: number; socket: BunHandlers }): { port: number };
};
interface BunSock {
  write(data: Uint8Array): number;
  end(): void;
  data: { pending: Uint8Array | null };
}
interface BunHandlers {
  open(s: BunSock): void;
  data(s: BunSock, chunk: Uint8Array): void;
  drain(s: BunSock): void;
  close(s: BunSock): void;
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

async function nodeNative(): Promise<void> {
  const { createServer } = await import("node:net");
  const server = createServer({ noDelay: true }, (socket) => {
    socket.on("error", () => {});
    if (workload === "accept") socket.end(GREETING);
    else socket.pipe(socket);
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
          await conn.write(GREETING);
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

function bunNative(): void {
  const server = Bun.listen({
    hostname: HOST,
    port: 0,
    socket: {
      open(s) {
        s.data = { pending: null };
        if (workload === "accept") s.write(GREETING);
      },
      data(s, chunk) {
        if (workload !== "echo") return;
        if (s.data.pending !== null) {
          const joined = new Uint8Array(s.data.pending.byteLength + chunk.byteLength);
          joined.set(s.data.pending);
          joined.set(chunk, s.data.pending.byteLength);
          s.data.pending = joined;
          return;
        }
        const written = s.write(chunk);
        if (written < chunk.byteLength) s.data.pending = chunk.slice(Math.max(0, written));
      },
      drain(s) {
        const pending = s.data.pending;
        if (pending === null) return;
        const written = s.write(pending);
        s.data.pending =
          written < pending.byteLength ? pending.subarray(Math.max(0, written)) : null;
      },
      close() {},
    },
  });
  ready(server.port);
}

if (candidate === "ours") await ours();
else if (candidate === "bare") {
  if (runtime !== "deno" || workload !== "echo") throw new Error("bare runs on Deno's echo only");
  await denoBare();
} else if (runtime === "node") await nodeNative();
else if (runtime === "deno") await denoNative();
else bunNative();
