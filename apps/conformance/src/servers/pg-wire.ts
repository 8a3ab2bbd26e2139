import type { Socket } from "@sockets/core";

/**
 * A tiny PostgreSQL server written against the Socket interface alone, for
 * testing `serve()` with a client nobody here wrote (psql / libpq). It speaks
 * just enough of protocol 3.0 (https://www.postgresql.org/docs/current/protocol-flow.html):
 * an SSLRequest answered "S" and upgraded with `socket.startTls()` (or "N"
 * without TLS), the startup message, trust authentication, and simple
 * queries, each answered with one text row: the query text itself.
 */
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const PROTOCOL_3 = 196608;

const encoder = new TextEncoder();

/** Reads exact byte counts from a stream, keeping what arrived past them. */
class ExactReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #buffer = new Uint8Array(0);

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  /** Resolves with `n` bytes, or null if the stream ends first. */
  async read(n: number): Promise<Uint8Array | null> {
    while (this.#buffer.byteLength < n) {
      const { value, done } = await this.#reader.read();
      if (done) return null;
      const joined = new Uint8Array(this.#buffer.byteLength + value.byteLength);
      joined.set(this.#buffer);
      joined.set(value, this.#buffer.byteLength);
      this.#buffer = joined;
    }
    const out = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }

  /** Lets go of the stream (before startTls()); nothing may be buffered then. */
  release(): void {
    if (this.#buffer.byteLength > 0) throw new Error("bytes arrived before the TLS handshake");
    this.#reader.releaseLock();
  }
}

function int32(view: Uint8Array, at = 0): number {
  return new DataView(view.buffer, view.byteOffset, view.byteLength).getInt32(at);
}

/** A backend message: type byte, Int32 length (itself included), body. */
function message(type: string, ...parts: (Uint8Array | string | number)[]): Uint8Array {
  const bytes = parts.map((p) => {
    if (typeof p === "string") return encoder.encode(`${p}\0`);
    if (typeof p === "number") {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, p);
      return b;
    }
    return p;
  });
  const length = 4 + bytes.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(1 + length);
  out[0] = type.charCodeAt(0);
  new DataView(out.buffer).setInt32(1, length);
  let at = 5;
  for (const b of bytes) {
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}

function int16(n: number): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setInt16(0, n);
  return b;
}

async function send(socket: Socket, ...messages: Uint8Array[]): Promise<void> {
  const writer = socket.writable.getWriter();
  try {
    for (const m of messages) await writer.write(m);
  } finally {
    writer.releaseLock();
  }
}

/** What the handler saw, for the test to check. */
export interface PgSession {
  tls: boolean;
  user: string | undefined;
  queries: string[];
}

/** A `connect(socket)` handler for a listener in "starttls" (or "off") mode. */
export function pgWireHandler(sessions: PgSession[]): (socket: Socket) => Promise<void> {
  return async (first) => {
    const session: PgSession = { tls: false, user: undefined, queries: [] };
    sessions.push(session);
    let socket = first;
    let reader = new ExactReader(socket.readable);
    let startup: Uint8Array | null = null;
    // Before the startup message, the client may ask for TLS (or GSS encryption).
    for (;;) {
      const head = await reader.read(8);
      if (head === null) return;
      const length = int32(head);
      const code = int32(head, 4);
      if (code === SSL_REQUEST && !session.tls) {
        if (socket.secureTransport !== "starttls") {
          await send(socket, encoder.encode("N"));
          continue;
        }
        await send(socket, encoder.encode("S"));
        reader.release();
        socket = socket.startTls();
        reader = new ExactReader(socket.readable);
        session.tls = true;
        continue;
      }
      if (code === GSSENC_REQUEST) {
        await send(socket, encoder.encode("N"));
        continue;
      }
      if (code !== PROTOCOL_3) throw new Error(`unsupported protocol ${code}`);
      startup = await reader.read(length - 8);
      break;
    }
    if (startup === null) return;
    const params = new TextDecoder().decode(startup).split("\0");
    session.user = params[params.indexOf("user") + 1];
    await send(
      socket,
      message("R", 0),
      message("S", "server_version", "15.0"),
      message("S", "client_encoding", "UTF8"),
      message("S", "server_encoding", "UTF8"),
      message("S", "DateStyle", "ISO, MDY"),
      message("S", "integer_datetimes", "on"),
      message("S", "standard_conforming_strings", "on"),
      message("K", 4242, 1234),
      message("Z", encoder.encode("I")),
    );
    for (;;) {
      const head = await reader.read(5);
      if (head === null) break;
      const type = String.fromCharCode(head[0] ?? 0);
      const body = await reader.read(int32(head, 1) - 4);
      if (body === null) break;
      if (type === "X") break;
      if (type !== "Q") {
        await send(
          socket,
          message(
            "E",
            encoder.encode("S"),
            "ERROR",
            encoder.encode("M"),
            `message ${type} not supported`,
            "",
          ),
          message("Z", encoder.encode("I")),
        );
        continue;
      }
      const query = new TextDecoder().decode(body.subarray(0, body.byteLength - 1));
      session.queries.push(query);
      // One text column named "query" (type 25, text) holding the query.
      const value = encoder.encode(query);
      await send(
        socket,
        message("T", int16(1), "query", 0, int16(0), 25, int16(-1), -1, int16(0)),
        message("D", int16(1), value.byteLength, value),
        message("C", "SELECT 1"),
        message("Z", encoder.encode("I")),
      );
    }
    await socket.close();
  };
}
