/** The environment variable (and workerd binding) the configuration travels in: the conformance runner's. */
export const CONFIG_ENV = "SOCKETS_CONFORMANCE_CONFIG";
/** How long a runtime may stay alive after its last case before it counts as not exiting by itself. */
export const LINGER_MS = 15_000;
export const LINGER_EXIT_CODE = 3;
