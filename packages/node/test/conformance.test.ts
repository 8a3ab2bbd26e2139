import { registerConformanceSuite } from "@sockets/conformance/vitest";
import { connect } from "../src/index.js";

registerConformanceSuite({ connect, runtime: "node" });
