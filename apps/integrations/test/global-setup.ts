import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { createIntegrationsScratch } from "../src/scratch.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The scratch project (see src/scratch.ts). */
    scratchDir: string;
  }
}

/** Builds the scratch project once for every test file; removes it afterwards. */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), "sockets-integrations-"));
  try {
    createIntegrationsScratch(dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  project.provide("scratchDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
