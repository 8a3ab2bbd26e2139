import { describe, expect, it } from "vitest";
import {
  SERVER_SECTION_END,
  SERVER_SECTION_START,
  serverSection,
  withServerSection,
} from "../src/orchestrate/server-section.js";

const section = (body: string) =>
  `${SERVER_SECTION_START}\n## Server rows\n${body}\n${SERVER_SECTION_END}`;

describe("RESULTS.md server rows section", () => {
  it("the client bench's rewrite keeps bench:serve's section, and bench:serve replaces only it", () => {
    const clientRun = "# Benchmark results\n\n| a | b |\n";
    const serverRows = section("| node | accept | 0.91× |");
    const recorded = withServerSection(clientRun, serverRows);
    expect(recorded).toBe(`# Benchmark results\n\n| a | b |\n\n${serverRows}\n`);
    // A later client run writes a new file without the section: the old one is carried over.
    const nextClientRun = "# Benchmark results\n\n| c | d |\n";
    const kept = withServerSection(nextClientRun, serverSection(recorded));
    expect(serverSection(kept)).toBe(serverRows);
    expect(kept.startsWith(nextClientRun.trimEnd())).toBe(true);
    // A later server run replaces the section in place and leaves the rest alone.
    const newRows = section("| node | accept | 0.95× ($& kept literally) |");
    const replaced = withServerSection(kept, newRows);
    expect(serverSection(replaced)).toBe(newRows);
    expect(replaced.replace(newRows, "")).toBe(kept.replace(serverRows, ""));
  });

  it("a file without the section has none, and nothing is added when there is none to keep", () => {
    expect(serverSection("# Benchmark results\n")).toBeNull();
    expect(withServerSection("# Benchmark results\n", null)).toBe("# Benchmark results\n");
    expect(serverSection(`${SERVER_SECTION_START}\nunterminated`)).toBeNull();
  });
});
