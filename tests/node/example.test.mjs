// examples/rooms.mjs keeps working: its pagination and its command line.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { randomUUID } from "node:crypto";

import {
  chatMessages,
  createClient,
  loadMessages,
  pages,
  sendMessage,
  startChat,
} from "../../examples/rooms.mjs";
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

async function registerVisitor() {
  const token = `example-${randomUUID()}`;
  const response = await fetch(`${stack.sandbox}/api/v1/livechat/visitor`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ visitor: { token, name: "Example Visitor" } }),
  });
  assert.equal(response.status, 200);
  return (await response.json()).visitor;
}

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

test("open a room: its last messages, as the REST transcript has them", async () => {
  const client = createClient(stack.graphql, headers);
  const [first] = (await pages(client, { pageSize: 1, more: async () => false }).next())
    .value.nodes;
  const room = await loadMessages(client, first.id, { last: 20 });
  const url = `${stack.sandbox}/api/v1/livechat/${first.rocketChatId}/messages?count=20`;
  const rest = await (await fetch(url, { headers })).json();
  assert.deepEqual(
    room.messages.map((m) => m.rocketChatId),
    rest.messages.map((m) => m._id).reverse(),
  );
});

test("a visitor opens a chat, sends and reads messages", async () => {
  const visitor = await registerVisitor();
  const client = createClient(stack.graphql, {});
  const { room, created } = await startChat(client, visitor.token);
  assert.equal(created, true);
  const sent = await sendMessage(client, visitor.token, room.id, "Hi from urql");
  assert.equal(sent.text, "Hi from urql");
  const messages = await chatMessages(client, visitor.token, room.id);
  assert.deepEqual(messages.at(-1), sent);
});

test("the command line opens a listed room", async () => {
  const { code, stdout, stderr } = await run(["--page-size", "3"], {
    input: "open 1\nq\n",
  });
  assert.equal(stderr, "");
  assert.equal(code, 0);
  assert.match(stdout, /-- .+: last \d+ messages\n/);
});

test("the command line chats as a visitor", async () => {
  const visitor = await registerVisitor();
  const { code, stdout, stderr } = await run(["--visitor-token", visitor.token], {
    input: "Hello there\n/close\n",
    credentials: {},
  });
  assert.equal(stderr, "");
  assert.equal(code, 0);
  const lines = stdout.trimEnd().split("\n");
  assert.match(lines[0], /^Opened room \w{17} \((OPEN|QUEUED)\)$/);
  assert.ok(lines.some((line) => line.endsWith("Example Visitor: Hello there")));
  assert.match(lines.at(-1), /^-- closed: .+/);
});
