/** The loopback echo and TLS echo servers, with a CA made at test time (the conformance suite's). */
import { createTestPki, type RunningServers, startServers } from "@sockets/conformance/servers";

export interface FixtureServers {
  servers: RunningServers;
  /** What the fixture reads from FIXTURE_CONFIG. */
  config: { echoPort: number; tlsPort: number; ca: string };
}

export async function startFixtureServers(): Promise<FixtureServers> {
  const pki = await createTestPki();
  const servers = await startServers(pki);
  return {
    servers,
    config: { echoPort: servers.ports.echo, tlsPort: servers.ports.tlsEcho, ca: pki.ca.cert },
  };
}
