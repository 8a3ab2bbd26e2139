/**
 * The workerd configuration for a conformance run: one worker whose outbound
 * connections go through a network service that allows loopback ("local")
 * and trusts only the run's test CA (research/runtimes.md §4). Strings passed
 * in from the environment become `fromEnvironment` text bindings.
 */
export interface WorkerdConfigOptions {
  /** File name of the bundled ES module, beside the config. */
  worker: string;
  /** File name of the test CA's PEM, beside the config; without it, no certificate is trusted. */
  ca?: string;
  compatibilityDate: string;
  /** Compatibility flags, e.g. nodejs_compat for code that imports node:* modules. */
  compatibilityFlags?: readonly string[];
  /** Binding name → environment variable it is read from. */
  envBindings?: Record<string, string>;
}

export function workerdConfig(options: WorkerdConfigOptions): string {
  const bindings = Object.entries(options.envBindings ?? {})
    .map(([name, env]) => `(name = ${str(name)}, fromEnvironment = ${str(env)})`)
    .join(", ");
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # connect() goes out through the worker's globalOutbound. The implicit
    # "internet" service allows only public addresses; this one allows
    # loopback and trusts only the test CA.
    (name = "loopback", network = (
      allow = ["local"],
      tlsOptions = (trustBrowserCas = false, trustedCertificates = [${options.ca ? `embed ${str(options.ca)}` : ""}]),
    )),
  ],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed ${str(options.worker)})],
  compatibilityDate = ${str(options.compatibilityDate)},${options.compatibilityFlags?.length ? `\n  compatibilityFlags = [${options.compatibilityFlags.map(str).join(", ")}],` : ""}
  globalOutbound = "loopback",
  bindings = [${bindings}],
);
`;
}

function str(value: string): string {
  return JSON.stringify(value);
}
