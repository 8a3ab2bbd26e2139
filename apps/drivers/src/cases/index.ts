import type { DriverCases } from "./harness.js";
import { pgCases } from "./pg.js";
import { postgresJsCases } from "./postgres-js.js";

export { type DriverConfig, runDriverCases } from "./harness.js";

/** Driver name (a matrix column group) → its cases. */
export const DRIVERS: Readonly<Record<string, DriverCases>> = {
  "pg + pg-cloudflare": pgCases,
  "postgres.js (cf)": postgresJsCases,
};
