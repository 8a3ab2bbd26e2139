import { registerConformanceSuite } from "@sockets/conformance/vitest";
import { connect, serve } from "../src/index.js";

registerConformanceSuite({ connect, serve, runtime: "node" });
