/**
 * What the test servers do, shared by the servers (Node) and the suite (any
 * runtime). Kept free of runtime APIs.
 */

/** Ports of the loopback servers one test run talks to. */
export interface ServerPorts {
  /** Plain echo; answers the client's FIN with its own once everything is echoed. */
  echo: number;
  /** Plain echo on ::1, or 0 when this machine has no IPv6 loopback. */
  echo6: number;
  /** TLS echo with a certificate for localhost, 127.0.0.1 and ::1 from the test CA; ALPN: x-sockets-test, http/1.1. */
  tlsEcho: number;
  /** TLS: on connect writes "sni=<name or -> alpn=<proto or -> client=<CN or ->\n", then ends. Asks for (does not require) a client certificate. */
  tlsInfo: number;
  /** TLS echo with a certificate from a CA nobody trusts; application bytes it receives count as leaked (see "LEAKED"). */
  tlsUntrusted: number;
  /** TLS echo with a certificate from the test CA, but only for wrong.example; application bytes it receives count as leaked. */
  tlsWrongName: number;
  /**
   * Line protocol: greets "220 ready\n"; "STARTTLS\n" → "220 go ahead\n" then TLS (test CA), then echo; "STARTTLS-QUIET\n" → TLS at once, no reply; "STARTTLS-WRONGNAME\n" → "220 go ahead\n" then TLS with the wrong.example certificate, application bytes counting as leaked; "STARTTLS-STALL\n" → "220 go ahead\n", then never answers the handshake. Lines starting "#" are ignored; others get "PLAIN <line>\n".
   * Records whether the first byte after the command began a TLS record (see the control server's "FIRST").
   */
  starttls: number;
  /** Writes "hello from server\n" and sends FIN at once; records what it receives afterwards (see "GOT"). */
  sendThenFin: number;
  /**
   * Writes "id <n>\n" (n unique per connection) and sends FIN at once; records
   * what it receives afterwards under "id<n>" (see "GOT"). The id identifies
   * the connection where the client cannot know its local port (workerd).
   */
  sendIdThenFin: number;
  /** Reads until the client's FIN, then answers "received <n> bytes\n" and ends. */
  waitFin: number;
  /** Resets (RST) the connection as soon as it receives any byte. */
  reset: number;
  /** "SEND <bytes> <id>\n": streams that many pattern bytes (see patternByte), then ends. */
  source: number;
  /**
   * Plain line commands: "STAT <id>" → bytes the source has handed to the kernel for <id>; "GOT <clientPort>" → what sendThenFin received from that client port; "GOT id<n>" → what sendIdThenFin received on connection n (JSON string, or null);
   * "LEAKED" → application bytes received so far by TLS servers the client must refuse; "RESET <port>" → dials 127.0.0.1:<port>, sends "reset me\n", resets (RST) the connection once the server answers, then replies "OK";
   * "FIRST <clientPort>" → what followed that client's STARTTLS command on the starttls server: "tls" (a TLS handshake record), "none" (nothing yet) or "cleartext <JSON text>";
   * "OPEN <server>" → how many connections the named server (silent, starttls, finOnData, reset, resetMidDownload, resetIdle) holds open right now.
   */
  control: number;
  /** Accepts and then neither reads nor writes: for backpressure and handshake timeouts. */
  stall: number;
  /** A port nothing listens on. */
  refused: number;
  /** Sends FIN as soon as it receives any byte (a TLS client's ClientHello, say). */
  finOnData: number;
  /** On the first byte received, streams pattern bytes and resets (RST) the connection 50 ms later. */
  resetMidDownload: number;
  /** Resets (RST, SO_LINGER 0) the connection 50 ms after accepting it, having sent and read nothing: a reset on an idle connection. */
  resetIdle: number;
  /** Reads and discards everything, never writes, closes when the client does: a TLS server that never answers the handshake. */
  silent: number;
}

/** The byte at `offset` of a source stream: a pattern that catches reordering, loss and duplication. */
export function patternByte(offset: number): number {
  return (offset * 31 + (offset >>> 16)) & 0xff;
}

export const STARTTLS_GREETING = "220 ready\n";
export const STARTTLS_GO_AHEAD = "220 go ahead\n";
/** The servers whose open connections the control server counts ("OPEN <name>"). */
export type CountedServer =
  | "silent"
  | "starttls"
  | "finOnData"
  | "reset"
  | "resetMidDownload"
  | "resetIdle";
export const SEND_THEN_FIN_GREETING = "hello from server\n";
export const ALPN_OFFERED_BY_SERVER = ["x-sockets-test", "http/1.1"];
