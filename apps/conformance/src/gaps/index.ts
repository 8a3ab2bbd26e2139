/**
 * Every runtime's known gaps, for the test files that run the suite on it.
 * The format of an entry (category, expected failure, reason) is documented
 * at the top of ./workerd.ts; an empty list means every case must pass.
 */
export { bunGaps } from "./bun.js";
export { denoGaps } from "./deno.js";
export { nodeGaps } from "./node.js";
export { workerdGaps } from "./workerd.js";
export { workerdNativeGaps } from "./workerd-native.js";
