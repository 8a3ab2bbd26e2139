import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { RuntimeName } from "../entries.js";
import type { KnownGaps } from "../suite/index.js";

/**
 * Loads a runtime's gap list, src/gaps/<runtime>.ts, exporting
 * `<runtime in camelCase>Gaps` (e.g. `workerdNativeGaps`). A list that does
 * not exist yet counts as empty: every case must then pass.
 */
export async function loadGaps(
  runtime: RuntimeName,
): Promise<{ gaps: KnownGaps; file: string | null }> {
  const url = new URL(`../gaps/${runtime}.ts`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) return { gaps: {}, file: null };
  const module = (await import(url.href)) as Record<string, unknown>;
  const name = `${runtime.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}Gaps`;
  const gaps = module[name] ?? module.default;
  if (gaps === undefined || gaps === null || typeof gaps !== "object") {
    throw new Error(`src/gaps/${runtime}.ts does not export ${name}`);
  }
  return { gaps: gaps as KnownGaps, file: `src/gaps/${runtime}.ts` };
}
