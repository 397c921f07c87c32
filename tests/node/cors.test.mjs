// CORS in headless Chromium: a page served from another origin calls the
// gateway with the Rocket.Chat headers (and, where allowed, with
// `credentials: "include"`), runs a query and a mutation when its origin is
// allowed, and gets nothing through — the mutation never sent — when not.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { once } from "node:events";
import { after, before, test } from "node:test";

import { chromium } from "playwright-core";

import { CHROMIUM, FLAGS, INSTALL_HINT, REQUIRED } from "./chromium.mjs";
import { startStack } from "./stack.mjs";
import { newVisitor } from "./support.mjs";

// A name that is not a local dev origin, resolved to loopback by Chromium.
const FOREIGN_HOST = "app.example.test";
const available = existsSync(CHROMIUM);
const ROOMS = "query Rooms { rooms(first: 2) { totalCount nodes { rocketChatId } } }";
const REGISTER = `
  mutation Register($input: RegisterVisitorInput!) {
    registerVisitor(input: $input) { visitor { token name } }
  }
`;

let app;
let appPort;
let sandboxMode;
let configured;
let browser;

before(async () => {
  if (!available) return;
  app = createServer((request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end("<!doctype html><title>frontend</title><p>frontend</p>");
  });
  app.listen(0, "127.0.0.1");
  await once(app, "listening");
  appPort = app.address().port;
  [sandboxMode, configured] = await Promise.all([
    startStack(),
    startStack({
      GATEWAY_CORS_ORIGINS: `http://${FOREIGN_HOST}:${appPort}`,
      GATEWAY_CORS_ALLOW_CREDENTIALS: "true",
    }),
  ]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...FLAGS, `--host-resolver-rules=MAP ${FOREIGN_HOST} 127.0.0.1`],
  });
});
after(async () => {
  await browser?.close();
  await Promise.all([sandboxMode?.stop(), configured?.stop()]);
  app?.close();
});

/** From a page on `origin`, POST a query and a mutation to the gateway. */
async function fromPage(origin, stack, credentials) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  const visitor = newVisitor();
  const calls = await page.evaluate(
    async ({ url, headers, credentials, operations }) => {
      const results = [];
      for (const body of operations) {
        try {
          const response = await fetch(url, {
            method: "POST",
            credentials,
            headers: {
              "content-type": "application/json",
              "x-request-id": `from-page-${results.length}`,
              ...headers,
            },
            body: JSON.stringify(body),
          });
          results.push({
            status: response.status,
            requestId: response.headers.get("x-request-id"),
            body: await response.json(),
          });
        } catch (error) {
          results.push({ refused: String(error) });
        }
      }
      return results;
    },
    {
      url: stack.graphql,
      headers: stack.headers,
      credentials,
      operations: [
        { query: ROOMS },
        { query: REGISTER, variables: { input: visitor } },
      ],
    },
  );
  await context.close();
  return { calls, visitor };
}

async function direct(stack, query) {
  const response = await fetch(stack.graphql, {
    method: "POST",
    headers: { "content-type": "application/json", ...stack.headers },
    body: JSON.stringify({ query }),
  });
  return response.json();
}

async function registered(stack, token) {
  const response = await fetch(`${stack.sandbox}/api/v1/livechat/visitor/${token}`);
  return response.status === 200;
}

function allowed(calls, rooms, visitor) {
  assert.deepEqual(calls, [
    { status: 200, requestId: "from-page-0", body: rooms },
    {
      status: 200,
      requestId: "from-page-1",
      body: {
        data: {
          registerVisitor: { visitor: { token: visitor.token, name: visitor.name } },
        },
      },
    },
  ]);
}

const REFUSED = [
  { refused: "TypeError: Failed to fetch" },
  { refused: "TypeError: Failed to fetch" },
];

test("sandbox mode: local dev origins are allowed, others refused", async (t) => {
  if (!available) {
    assert.ok(!REQUIRED, `RC_GATEWAY_REQUIRE_BROWSER=1 but ${INSTALL_HINT}`);
    t.skip(INSTALL_HINT);
    return;
  }
  const rooms = await direct(sandboxMode, ROOMS);
  assert.ok(rooms.data.rooms.totalCount > 0);

  const local = await fromPage(`http://127.0.0.1:${appPort}`, sandboxMode, "same-origin");
  allowed(local.calls, rooms, local.visitor);
  assert.ok(await registered(sandboxMode, local.visitor.token));

  // Cookies were not allowed (GATEWAY_CORS_ALLOW_CREDENTIALS is off).
  const withCookies = await fromPage(`http://localhost:${appPort}`, sandboxMode, "include");
  assert.deepEqual(withCookies.calls, REFUSED);
  assert.equal(await registered(sandboxMode, withCookies.visitor.token), false);

  const foreign = await fromPage(`http://${FOREIGN_HOST}:${appPort}`, sandboxMode, "same-origin");
  assert.deepEqual(foreign.calls, REFUSED);
  assert.equal(await registered(sandboxMode, foreign.visitor.token), false);
});

test("configured origins with credentials: only those are allowed", async (t) => {
  if (!available) {
    assert.ok(!REQUIRED, `RC_GATEWAY_REQUIRE_BROWSER=1 but ${INSTALL_HINT}`);
    t.skip(INSTALL_HINT);
    return;
  }
  const rooms = await direct(configured, ROOMS);
  const listed = await fromPage(`http://${FOREIGN_HOST}:${appPort}`, configured, "include");
  allowed(listed.calls, rooms, listed.visitor);
  assert.ok(await registered(configured, listed.visitor.token));

  // The configured list replaces the local dev default.
  const local = await fromPage(`http://127.0.0.1:${appPort}`, configured, "include");
  assert.deepEqual(local.calls, REFUSED);
  assert.equal(await registered(configured, local.visitor.token), false);
});
