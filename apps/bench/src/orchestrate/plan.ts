import type { Scale, WorkloadId } from "../trial/protocol.js";

export interface WorkloadInfo {
  readonly id: WorkloadId;
  readonly label: string;
  readonly unit: string;
  /** Which way is better for the headline value. */
  readonly better: "higher" | "lower";
  /** The ratio to native the issue asks for (ours ÷ native, in the value's own unit). */
  readonly target: number;
  /** True when the issue names no target for the workload and we chose one. */
  readonly assumedTarget?: boolean;
}

export const WORKLOADS: readonly WorkloadInfo[] = [
  {
    id: "download",
    label: "download, default reader",
    unit: "MB/s",
    better: "higher",
    target: 0.95,
  },
  {
    id: "download-byob",
    label: "download, BYOB reader",
    unit: "MB/s",
    better: "higher",
    target: 0.95,
  },
  { id: "upload", label: "upload, 64 KiB writes", unit: "MB/s", better: "higher", target: 0.95 },
  {
    id: "pingpong",
    label: "ping-pong round trip (median)",
    unit: "µs",
    better: "lower",
    target: 1.1,
  },
  {
    id: "pingpong-pinned",
    label: "ping-pong, client and server pinned to one core (median)",
    unit: "µs",
    better: "lower",
    target: 1.1,
  },
  {
    id: "churn",
    label: "churn: connect → opened → close",
    unit: "conn/s",
    better: "higher",
    target: 0.9,
  },
  {
    id: "idle-memory",
    label: "memory per idle socket, default read pending (RSS)",
    unit: "bytes",
    better: "lower",
    target: 1.25,
  },
  {
    id: "idle-memory-byob",
    label: "memory per idle socket, BYOB read pending (RSS)",
    unit: "bytes",
    better: "lower",
    target: 1.25,
  },
  {
    id: "tls-download",
    label: "TLS download, default reader",
    unit: "MB/s",
    better: "higher",
    target: 0.95,
  },
  {
    id: "tls-handshake",
    label: "TLS connect → handshake → close",
    unit: "conn/s",
    better: "higher",
    target: 0.9,
    assumedTarget: true,
  },
  {
    id: "starttls",
    label: "STARTTLS upgrade → first echo (median)",
    unit: "µs",
    better: "lower",
    target: 1.1,
    assumedTarget: true,
  },
];

export const workloadInfo = (id: WorkloadId): WorkloadInfo => WORKLOADS.find((w) => w.id === id)!;

const MiB = 1024 * 1024;

/** The sizes. */
export const FULL_SCALE: Scale = {
  bulkBytes: 512 * MiB,
  tlsBulkBytes: 512 * MiB,
  uploadChunk: 64 * 1024,
  roundTrips: 20_000,
  messageBytes: 64,
  churnConnections: 2_000,
  idleSockets: 1_000,
  tlsHandshakes: 500,
  starttlsUpgrades: 200,
};

/** --quick: the same workloads, scaled down so the whole run takes about a minute. */
export const QUICK_SCALE: Scale = {
  bulkBytes: 16 * MiB,
  tlsBulkBytes: 8 * MiB,
  uploadChunk: 64 * 1024,
  roundTrips: 2_000,
  messageBytes: 64,
  churnConnections: 200,
  idleSockets: 200,
  tlsHandshakes: 40,
  starttlsUpgrades: 20,
};

export function describeScale(scale: Scale): string {
  const size = (bytes: number) => (bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / 1024} KiB`);
  return [
    `downloads and upload ${size(scale.bulkBytes)} (upload in ${size(scale.uploadChunk)} writes)`,
    `TLS download ${size(scale.tlsBulkBytes)}`,
    `ping-pong ${scale.roundTrips.toLocaleString("en-US")} × ${scale.messageBytes} B`,
    `churn ${scale.churnConnections.toLocaleString("en-US")} connections`,
    `${scale.idleSockets.toLocaleString("en-US")} idle sockets`,
    `${scale.tlsHandshakes} TLS handshakes`,
    `${scale.starttlsUpgrades} STARTTLS upgrades`,
  ].join("; ");
}
