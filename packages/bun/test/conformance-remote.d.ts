// The suite's bundle (dist/remote-entry.js) ships no declarations: it is the
// same module as the runner's source, which does.
declare module "@sockets/conformance/remote" {
  export { runRemote } from "@sockets/conformance/runner";
}
