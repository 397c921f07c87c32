// The graphql-http audit suite (GraphQL over HTTP) against the gateway.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { serverAudits } from "graphql-http";

import { startStack } from "./stack.mjs";

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
});

test("every graphql-http server audit passes, MUST, SHOULD and MAY", async (t) => {
  const audits = serverAudits({ url: stack.graphql, fetchFn: fetch });
  const results = [];
  for (const audit of audits) {
    const result = await audit.fn();
    results.push(result);
  }
  const count = (status) => results.filter((r) => r.status === status).length;
  t.diagnostic(
    `graphql-http audit: ${count("ok")} passed, ${count("warn")} warned, ` +
      `${count("notice")} notices, ${count("error")} failed`,
  );
  const problems = results
    .filter((r) => r.status !== "ok")
    .map((r) => `${r.status} ${r.id} ${r.name}: ${r.reason}`);
  assert.deepEqual(problems, []);
  assert.ok(results.length > 40, `only ${results.length} audits ran`);
});
