import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/**
 * Formats generated Markdown with the repository's Biome (which formats
 * Markdown too: padded table columns), so `biome check .` passes on what the
 * matrix writes. Returns the text unchanged if Biome is not there or fails.
 */
export function formatMarkdownWithBiome(
  markdown: string,
  repoRoot: string,
  asPath: string,
): string {
  const biome = join(repoRoot, "node_modules", ".bin", "biome");
  if (!existsSync(biome)) return markdown;
  const result = spawnSync(biome, ["format", `--stdin-file-path=${asPath}`], {
    cwd: repoRoot,
    input: markdown,
    encoding: "utf8",
    timeout: 60_000,
    killSignal: "SIGKILL",
  });
  return result.status === 0 && result.stdout.trim().length > 0 ? result.stdout : markdown;
}
