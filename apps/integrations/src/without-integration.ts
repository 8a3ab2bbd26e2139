/**
 * Without an integration, the runtime's own error is what a user sees; a
 * library that is not loaded cannot change it. These are the messages the
 * README's table maps to the integration to add: hosts.test.ts checks each
 * runtime still says this, and readme.test.ts that the table quotes it.
 */
export const WITHOUT_INTEGRATION = {
  node: {
    error: /ERR_UNSUPPORTED_ESM_URL_SCHEME[\s\S]*Received protocol 'cloudflare:'/,
    readme: "`ERR_UNSUPPORTED_ESM_URL_SCHEME` … `Received protocol 'cloudflare:'`",
    integration: "node --import @sockets/connect/register",
  },
  bun: {
    error: /Cannot find package 'cloudflare:sockets'/,
    readme: "`Cannot find package 'cloudflare:sockets'`",
    integration: 'preload = ["@sockets/connect/bun-preload"]',
  },
  deno: {
    error: /Unsupported scheme "cloudflare" for module "cloudflare:sockets"/,
    readme: '`Unsupported scheme "cloudflare" for module "cloudflare:sockets"`',
    integration: '"cloudflare:sockets": "npm:@sockets/connect"',
  },
} as const;
