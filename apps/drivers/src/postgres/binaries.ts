import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Where Debian's postgresql-NN packages put their programs (not on PATH). */
const DEBIAN_ROOT = "/usr/lib/postgresql";
/** The oldest major the suite accepts (issue 11 asks for 15 or later). */
const MIN_MAJOR = 15;

/** The bin directory of the newest PostgreSQL (≥ 15) installed from Debian's packages, or null. */
export function findPostgresBin(): string | null {
  if (!existsSync(DEBIAN_ROOT)) return null;
  const majors = readdirSync(DEBIAN_ROOT)
    .map(Number)
    .filter((major) => Number.isInteger(major) && major >= MIN_MAJOR)
    .sort((a, b) => b - a);
  for (const major of majors) {
    const bin = join(DEBIAN_ROOT, String(major), "bin");
    if (existsSync(join(bin, "initdb")) && existsSync(join(bin, "pg_ctl"))) return bin;
  }
  return null;
}

function apt(args: string[], timeoutMs: number): void {
  const result = spawnSync("apt-get", args, {
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    timeout: timeoutMs,
    killSignal: "SIGKILL",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (result.status !== 0) {
    throw new Error(
      `apt-get ${args.join(" ")} failed${result.error ? `: ${result.error.message}` : ""}\n${result.stdout ?? ""}${result.stderr ?? ""}`.slice(
        -4000,
      ),
    );
  }
}

/**
 * PostgreSQL's bin directory, installing Debian's `postgresql` package first
 * when it is absent (a fresh CI machine; the suite runs as root there).
 */
export function ensurePostgresBin(log: (line: string) => void): string {
  const present = findPostgresBin();
  if (present !== null) return present;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `PostgreSQL ${MIN_MAJOR}+ is not installed under ${DEBIAN_ROOT} and this user cannot install it: run "apt-get install -y postgresql" as root.`,
    );
  }
  log("PostgreSQL is not installed: apt-get update && apt-get install -y postgresql");
  apt(["update"], 180_000);
  apt(["install", "-y", "--no-install-recommends", "postgresql"], 300_000);
  const installed = findPostgresBin();
  if (installed === null)
    throw new Error(`apt-get installed postgresql, but no ${DEBIAN_ROOT}/NN/bin/initdb appeared`);
  return installed;
}
