// examples/rooms.mjs keeps working: its pagination and its command line.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { createClient, pages } from "../../examples/rooms.mjs";
import { root, startStack } from "./stack.mjs";
import { login, restRooms } from "./support.mjs";

const SCRIPT = join(root, "examples", "rooms.mjs");

let stack;
let headers;
let rest;

before(async () => {
  stack = await startStack();
  headers = await login(stack.sandbox);
  rest = await restRooms(stack.sandbox, headers);
});
after(async () => {
  await stack?.stop();
});

async function run(args, { input = "", credentials = headers } = {}) {
  const child = spawn(process.execPath, [SCRIPT, ...args], {
    env: {
      ...process.env,
      GRAPHQL_URL: stack.graphql,
      RC_AUTH_TOKEN: credentials["X-Auth-Token"] ?? "",
      RC_USER_ID: credentials["X-User-Id"] ?? "",
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  child.stdin.end(input);
  const [code] = await once(child, "exit");
  return { code, stdout, stderr };
}

function roomIds(stdout) {
  return stdout
    .split("\n")
    .filter((line) => /^\w{17}\s/.test(line))
    .map((line) => line.split(/\s+/)[0]);
}

test("load more walks every room in the REST order", async () => {
  const client = createClient(stack.graphql, headers);
  const ids = [];
  for await (const page of pages(client, { pageSize: 40, more: async () => true })) {
    ids.push(...page.nodes.map((room) => room.rocketChatId));
  }
  assert.deepEqual(ids, rest.ids);
});

test("the command line shows pages until told to stop", async () => {
  const { code, stdout, stderr } = await run(["--page-size", "5"], { input: "\nq\n" });
  assert.equal(stderr, "");
  assert.equal(code, 0);
  assert.deepEqual(roomIds(stdout), rest.ids.slice(0, 10));
  const summaries = stdout.split("\n").filter((line) => line.startsWith("-- "));
  assert.deepEqual(summaries, [
    `-- 5 of ${rest.total} rooms shown; more available`,
    `-- 10 of ${rest.total} rooms shown; more available`,
  ]);
});

test("--pages loads that many pages without asking", async () => {
  const { code, stdout } = await run(["--page-size", "3", "--pages", "3"]);
  assert.equal(code, 0);
  assert.deepEqual(roomIds(stdout), rest.ids.slice(0, 9));
  assert.ok(!stdout.includes("Load more?"));
});

test("without credentials it says UNAUTHENTICATED and fails", async () => {
  const { code, stdout, stderr } = await run(["--pages", "1"], { credentials: {} });
  assert.deepEqual({ code, stdout }, { code: 1, stdout: "" });
  assert.match(stderr, /^rooms\.mjs: \[GraphQL\] .+ \(UNAUTHENTICATED\)\n$/);
});
