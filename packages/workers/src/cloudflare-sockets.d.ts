// workerd's built-in module (structural types: ./cloudflare-sockets-types.ts).
declare module "cloudflare:sockets" {
  export const connect: import("./cloudflare-sockets-types.js").NativeConnect;
}
