// Node globals pg, pg-cloudflare and postgres.js use without importing them.
// Deno gives them to npm packages only, not to a bundle: injected (esbuild `inject`).
export { Buffer } from "node:buffer";
export { default as process } from "node:process";
export { clearImmediate, setImmediate } from "node:timers";
