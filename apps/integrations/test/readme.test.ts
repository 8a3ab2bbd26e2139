/**
 * The README's "Running Workers code elsewhere" recipes are the tested
 * fixtures: every code block marked `<!-- fixture: path -->` must equal that
 * file, and the table of errors must quote what the runtimes say without an
 * integration (src/without-integration.ts, checked in hosts.test.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../src/scratch.js";
import { WITHOUT_INTEGRATION } from "../src/without-integration.js";

const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
const start = readme.indexOf("## Running Workers code elsewhere");
const section = readme.slice(start, readme.indexOf("\n## ", start + 1));

describe("the README section Running Workers code elsewhere", () => {
  const blocks = [...section.matchAll(/<!-- fixture: (\S+) -->\n```\w*\n([\s\S]*?)```/g)];

  it("has a recipe for each host and bundler, each from a fixture", () => {
    expect(start).toBeGreaterThan(0);
    expect(blocks.map((block) => block[1]?.split("/").pop())).toEqual([
      "bunfig.toml",
      "deno.json",
      "vite.config.js",
      "vite.hook.config.js",
      "rollup.config.js",
      "rolldown.config.js",
      "esbuild.build.js",
      "webpack.config.js",
    ]);
  });

  it.each(blocks.map((block) => [block[1] ?? "", block[2] ?? ""]))(
    "%s is copied unchanged",
    (path, code) => {
      expect(code).toBe(readFileSync(join(repoRoot, path), "utf8"));
    },
  );

  it.each(Object.entries(WITHOUT_INTEGRATION))(
    "maps %s's error to its integration",
    (_host, expected) => {
      const row = section.split("\n").find((line) => line.includes(expected.integration));
      expect(row).toContain(expected.readme);
    },
  );
});
