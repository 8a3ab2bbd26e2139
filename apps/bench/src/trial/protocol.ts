/**
 * What the load server and the trials agree on. Runtime-neutral: imported by
 * the server (Node), every trial entry (Node, Deno, Bun, workerd) and the CLI.
 */

/** Every connection goes to IPv4 loopback by address: no name lookup in any candidate. */
export const HOST = "127.0.0.1";

/** One listener per service, so the server never has to dispatch on a command. */
export interface Ports {
  /** Writes back every byte it receives; ends after the client's FIN. */
  readonly echo: number;
  /** Reads a request line `<bytes>\n`, sends that many bytes, then FIN. */
  readonly source: number;
  /** Counts bytes until the client's FIN, then answers `<count>\n` and FIN. */
  readonly sink: number;
  /** Accepts and holds; ends when the client does (churn, idle memory). */
  readonly hold: number;
  /** `source` over TLS. */
  readonly tlsSource: number;
  /** `hold` over TLS (handshakes per second). */
  readonly tlsHold: number;
  /** Plaintext greeting, `STARTTLS\n` → `OK\n`, then a TLS echo. */
  readonly starttls: number;
}

export const STARTTLS_GREETING = "READY\n";
export const STARTTLS_COMMAND = "STARTTLS\n";
export const STARTTLS_GO_AHEAD = "OK\n";
/** Sent over the upgraded connection and echoed back: proves the TLS session carries data. */
export const STARTTLS_PROBE = "ping\n";

/**
 * The buffer of an idle socket's pending read where the reader brings one (a
 * BYOB reader; Deno's native conn.read): the 4 KiB a buffered protocol
 * reader (Go's bufio, a driver's read buffer) waits with.
 */
export const IDLE_READ_BYTES = 4096;

/** Lines a trial prints on stdout for the orchestrator; anything else is log. */
export const LINE_PREFIX = "@@bench ";

export type WorkloadId =
  | "download"
  | "download-byob"
  | "upload"
  | "pingpong"
  | "pingpong-pinned"
  | "churn"
  | "idle-memory"
  | "idle-memory-byob"
  | "tls-download"
  | "tls-handshake"
  | "starttls";

/** Sizes and counts of one run (full or --quick). */
export interface Scale {
  /** Bytes per plain download (default and BYOB reader) and per upload. */
  readonly bulkBytes: number;
  /** Bytes per TLS download. */
  readonly tlsBulkBytes: number;
  /** Bytes of each write in the upload workload. */
  readonly uploadChunk: number;
  /** Sequential round trips in ping-pong. */
  readonly roundTrips: number;
  /** Bytes of each ping-pong message. */
  readonly messageBytes: number;
  /** Sequential connect → opened → close cycles. */
  readonly churnConnections: number;
  /** Sockets held open at once for the memory measurement. */
  readonly idleSockets: number;
  /** Sequential TLS connect → handshake → close cycles. */
  readonly tlsHandshakes: number;
  /** Sequential STARTTLS upgrades (one per connection). */
  readonly starttlsUpgrades: number;
}

/** What the orchestrator hands one trial process. */
export interface TrialConfig {
  readonly candidate: string;
  readonly workloads: readonly WorkloadId[];
  readonly ports: Ports;
  readonly scale: Scale;
}

/** One measurement: the workload's headline value and supporting figures. */
export interface Sample {
  readonly value: number;
  /** Extra figures worth keeping (e.g. heap bytes per socket next to RSS). */
  readonly extra?: Record<string, number>;
}

export type TrialLine =
  | { readonly type: "mark"; readonly phase: "start" | "end"; readonly workload: WorkloadId }
  | { readonly type: "result"; readonly workload: WorkloadId; readonly sample: Sample }
  | {
      readonly type: "unsupported";
      readonly workload: WorkloadId;
      readonly reason: string;
    }
  | { readonly type: "error"; readonly workload: WorkloadId; readonly message: string }
  | { readonly type: "done" };
