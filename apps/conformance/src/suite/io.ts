import type { Socket } from "@sockets/core";
import { fail, SuiteTimeout } from "./assert.js";

const decoder = new TextDecoder();
export const encoder = new TextEncoder();

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Settles like `promise`, or fails after `ms` naming what it waited for: no wait is unbounded. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SuiteTimeout(what, ms)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** True if `promise` is still pending after the event loop has had a moment (`ms`). */
export async function isPending(promise: Promise<unknown>, ms = 50): Promise<boolean> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await sleep(ms);
  return !settled;
}

/** Reads the whole stream as text. */
export async function readText(readable: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  for await (const chunk of readable as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

/** Reads from `reader` until the text so far ends with `suffix` (or includes it); returns all of it. */
export async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  suffix: string,
): Promise<string> {
  let text = "";
  while (!text.includes(suffix)) {
    const { value, done } = await reader.read();
    if (done)
      fail(`the stream ended before ${JSON.stringify(suffix)}; got ${JSON.stringify(text)}`);
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

/** Writes text and releases the writer. */
export async function writeText(socket: Socket, text: string): Promise<void> {
  const writer = socket.writable.getWriter();
  try {
    await writer.write(encoder.encode(text));
  } finally {
    writer.releaseLock();
  }
}

/** One request/response on the plain-text control server. */
export async function control(
  connect: (address: string) => Socket,
  port: number,
  command: string,
): Promise<string> {
  const socket = connect(`127.0.0.1:${port}`);
  try {
    await writeText(socket, `${command}\n`);
    const reader = socket.readable.getReader();
    const line = await readUntil(reader, "\n");
    return line.trim();
  } finally {
    await socket.close();
  }
}

export function decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** The port part of a "host:port" SocketInfo address. */
export function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(":") + 1));
}
