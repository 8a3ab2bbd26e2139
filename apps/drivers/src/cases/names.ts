/** The case titles, the same for every driver: the rows of the matrix. */
export const CASE = {
  plain: "plain connect and query",
  verifyFull: "sslmode verify-full: SSLRequest, startTls(), verified against the test CA",
  wrongName: "a certificate for another hostname fails verification and no query is sent",
  untrusted: "a certificate from an untrusted CA fails verification and no query is sent",
  refused: "a refused port fails and end() completes",
  auth: "a wrong password fails with 28P01",
  pipelined: "1,000 pipelined queries",
  bytea: "a 16 MiB bytea round trip is byte-exact",
  concurrent: "20 concurrent clients",
  terminated: "the server terminating the backend mid-session (pg_terminate_backend) is reported",
} as const;

/** Checked by the orchestrator, not inside the runtime. */
export const CLEAN_EXIT = "clean shutdown: the process exits by itself";

export const TLS_FAILURE_CODE = "ERR_TLS_CERT";
export const BYTEA_SIZE = 16 * 1024 * 1024;
