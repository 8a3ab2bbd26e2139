/** The driver cases in workerd: `workerd test` runs test(); console.log lines reach stdout. */
import { DRIVERS, type DriverConfig, runDriverCases } from "../cases/index.js";
import { CONFIG_ENV } from "./protocol.js";

export default {
  async test(_controller: unknown, env: Record<string, string>): Promise<void> {
    const raw = env[CONFIG_ENV];
    if (raw === undefined) throw new Error(`binding ${CONFIG_ENV} is not set`);
    await runDriverCases(DRIVERS, JSON.parse(raw) as DriverConfig, (line) => console.log(line));
  },
};
