// Injected as `navigator` into the Node, Deno and Bun bundles: see resolve-drivers.ts.
export const navigator = { userAgent: "Cloudflare-Workers" };
