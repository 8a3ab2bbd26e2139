/**
 * Runs inside workerd (started by passthrough.ts): the same workloads through
 * workerd's own cloudflare:sockets and through @sockets/workers, interleaved
 * in one process, so any cost the wrapper adds shows as a difference.
 */
import { connect as nativeConnect } from "cloudflare:sockets";
import { connect as ourConnect } from "../src/index.js";

type AnyConnect = (
  address: string,
  options?: { allowHalfOpen?: boolean },
) => {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array | string>;
  readonly opened: Promise<unknown>;
  close(): Promise<void>;
};

const variants: [string, AnyConnect][] = [
  ["native", nativeConnect as unknown as AnyConnect],
  ["@sockets/workers", ourConnect as unknown as AnyConnect],
];

let nextId = 0;

async function download(
  connect: AnyConnect,
  port: number,
  bytes: number,
  byob: boolean,
): Promise<number> {
  const socket = connect(`127.0.0.1:${port}`);
  const writer = socket.writable.getWriter();
  await writer.write(`SEND ${bytes} bench-${nextId++}\n`);
  writer.releaseLock();
  const started = Date.now();
  let received = 0;
  if (byob) {
    const reader = socket.readable.getReader({ mode: "byob" });
    let buffer = new Uint8Array(1024 * 1024);
    for (;;) {
      const { value, done } = await reader.read(buffer);
      if (done || !value) break;
      received += value.byteLength;
      buffer = new Uint8Array(value.buffer);
    }
  } else {
    const reader = socket.readable.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      received += value.byteLength;
    }
  }
  const ms = Date.now() - started;
  if (received !== bytes) throw new Error(`received ${received} of ${bytes}`);
  await socket.close();
  return bytes / 1e6 / (ms / 1000);
}

async function churn(connect: AnyConnect, port: number, count: number): Promise<number> {
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    const socket = connect(`127.0.0.1:${port}`);
    await socket.opened;
    await socket.close();
  }
  return (Date.now() - started) / count;
}

async function pingPong(connect: AnyConnect, port: number, count: number): Promise<number> {
  const socket = connect(`127.0.0.1:${port}`);
  const writer = socket.writable.getWriter();
  const reader = socket.readable.getReader();
  const message = new Uint8Array(32).fill(0x61);
  await socket.opened;
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    await writer.write(message);
    let got = 0;
    while (got < message.length) {
      const { value, done } = await reader.read();
      if (done) throw new Error("echo ended");
      got += value.byteLength;
    }
  }
  const us = ((Date.now() - started) * 1000) / count;
  await socket.close();
  return us;
}

export default {
  async test(_controller: unknown, env: { SOCKETS_CONFORMANCE_CONFIG: string }) {
    const { ports, rounds, mib } = JSON.parse(env.SOCKETS_CONFORMANCE_CONFIG) as {
      ports: { source: number; echo: number };
      rounds: number;
      mib: number;
    };
    const bytes = mib * 1024 * 1024;
    for (let round = 0; round < rounds; round++) {
      // Alternate which goes first, so warm-up and drift fall on both.
      const order = round % 2 === 0 ? variants : [...variants].reverse();
      for (const [name, connect] of order) {
        const result = {
          round,
          variant: name,
          defaultReaderMBps: await download(connect, ports.source, bytes, false),
          byobReaderMBps: await download(connect, ports.source, bytes, true),
          pingPongUs: await pingPong(connect, ports.echo, 2000),
          connectCloseMs: await churn(connect, ports.echo, 200),
        };
        console.log(`BENCH ${JSON.stringify(result)}`);
      }
    }
    console.log(`@@done ${JSON.stringify({ count: rounds })}`);
  },
};
