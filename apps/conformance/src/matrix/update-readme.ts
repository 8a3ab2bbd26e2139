/**
 * Rewrites the README's runtime-support section from the last full matrix run
 * (results/latest.json): `pnpm --filter @sockets/conformance conformance:readme`.
 * The section lies between `<!-- runtime-support:start -->` and
 * `<!-- runtime-support:end -->`; everything outside the markers is kept.
 *
 *   --readme=PATH  another file (default: the repository's README.md)
 *   --check        change nothing; exit 1 if the section no longer matches the
 *                  run (the date it names is ignored: only the table counts)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatMarkdownWithBiome } from "./biome.js";
import { formatMarkdown, type MatrixResults } from "./report.js";

export const START = "<!-- runtime-support:start -->";
export const END = "<!-- runtime-support:end -->";

/** `readme` with the text between the markers replaced by `section`. Throws if the markers are missing. */
export function replaceSection(readme: string, section: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`the README has no ${START} ... ${END} markers to write between`);
  }
  return `${readme.slice(0, start + START.length)}\n${section.trim()}\n${readme.slice(end)}`;
}

/** The text with the run's date ("run on YYYY-MM-DD") blanked, so a new run of the same results compares equal. */
export function withoutDate(text: string): string {
  return text.replace(/run on \d{4}-\d{2}-\d{2}/g, "run on <date>");
}

function main(): number {
  const appDir = fileURLToPath(new URL("../..", import.meta.url));
  const repoRoot = join(appDir, "..", "..");
  const args = process.argv.slice(2);
  const readmeArg = args.find((a) => a.startsWith("--readme="));
  const readmePath = readmeArg ? readmeArg.slice("--readme=".length) : join(repoRoot, "README.md");
  const results = JSON.parse(
    readFileSync(join(appDir, "results", "latest.json"), "utf8"),
  ) as MatrixResults;
  const readme = readFileSync(readmePath, "utf8");
  const section = formatMarkdownWithBiome(
    formatMarkdown(results, { heading: false }),
    repoRoot,
    "README.md",
  );
  const updated = replaceSection(readme, section);
  if (args.includes("--check")) {
    if (withoutDate(updated) !== withoutDate(readme)) {
      console.log(
        `${readmePath}: the runtime-support section is out of date (run conformance:readme)`,
      );
      return 1;
    }
    console.log(`${readmePath}: the runtime-support section is up to date`);
    return 0;
  }
  if (updated === readme) console.log(`${readmePath}: already up to date`);
  else {
    writeFileSync(readmePath, updated);
    console.log(
      `${readmePath}: runtime-support section rewritten from results/latest.json (${results.generatedAt})`,
    );
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
