/** Every runtime's known gaps, for the test files that run the suite on it. */
export { bunGaps } from "./bun.js";
export { denoGaps } from "./deno.js";
export { nodeGaps } from "./node.js";
export { workerdGaps } from "./workerd.js";
export { workerdNativeGaps } from "./workerd-native.js";
