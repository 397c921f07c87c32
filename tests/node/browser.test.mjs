// GraphiQL in headless Chromium: the page renders from the gateway alone, the
// pre-filled query runs through the UI, and the result pane shows demo data.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { chromium } from "playwright-core";

import { CHROMIUM, FLAGS, INSTALL_HINT, REQUIRED } from "./chromium.mjs";
import { root, startStack } from "./stack.mjs";

const ARTIFACTS = join(root, "artifacts");
const EXAMPLE_QUERY = readFileSync(
  join(root, "gateway", "graphiql", "example.graphql"),
  "utf8",
);

const available = existsSync(CHROMIUM);
const EDITOR = ".graphiql-query-editor .CodeMirror";
let stack;
let browser;

before(async () => {
  if (!available) return;
  stack = await startStack();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

async function gatewayAnswer(query, headers) {
  const response = await fetch(stack.graphql, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query }),
  });
  assert.equal(response.status, 200);
  return response.json();
}

test("GraphiQL renders offline and runs the pre-filled query", async (t) => {
  if (!available) {
    assert.ok(!REQUIRED, `RC_GATEWAY_REQUIRE_BROWSER=1 but ${INSTALL_HINT}`);
    t.skip(INSTALL_HINT);
    return;
  }
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const origin = new URL(stack.gateway).origin;
  const requests = [];
  const problems = [];
  page.on("request", (request) => requests.push(request.url()));
  page.on("response", (answer) => {
    if (answer.status() >= 400) problems.push(`${answer.status()} ${answer.url()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    if (message.text().startsWith("Failed to load resource")) return; // listed above
    problems.push(`console: ${message.text()}`);
  });

  const response = await page.goto(`${stack.gateway}/graphql`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()["content-security-policy"], /default-src 'self'/);

  // The editor itself (CodeMirror inside GraphiQL), not the loading placeholder.
  const editor = page.locator(".graphiql-query-editor .CodeMirror");
  await editor.waitFor({ state: "visible", timeout: 30_000 });
  const editorText = await editor.evaluate((node) => node.CodeMirror.getValue());
  assert.equal(editorText, EXAMPLE_QUERY);
  const headersText = await page
    .locator(".graphiql-editor-tool .CodeMirror")
    .last()
    .evaluate((node) => node.CodeMirror.getValue());
  assert.deepEqual(JSON.parse(headersText), stack.headers);

  await page.locator(".graphiql-execute-button").click();
  const result = page.locator(".graphiql-response .CodeMirror");
  await page.waitForFunction(
    () => {
      const node = document.querySelector(".graphiql-response .CodeMirror");
      return node?.CodeMirror.getValue().includes('"data"');
    },
    null,
    { timeout: 30_000 },
  );
  const shown = JSON.parse(await result.evaluate((node) => node.CodeMirror.getValue()));
  const expected = await gatewayAnswer(EXAMPLE_QUERY, stack.headers);
  assert.ok(expected.data.rooms.nodes.length > 0, "the demo data has rooms");
  assert.deepEqual(shown, expected);

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, "graphiql.png") });

  // The settings dialog adds a <style> element: allowed by the page's nonce.
  await page.locator('[aria-label="Open settings dialog"]').click();
  await page.getByRole("dialog").waitFor({ state: "visible" });
  await page.keyboard.press("Escape");
  await page.getByRole("dialog").waitFor({ state: "hidden" });

  // The docs pane teaches the API from the gateway's own introspection.
  await page.locator('[aria-label="Show Documentation Explorer"]').click();
  await page.locator(".graphiql-doc-explorer").getByText("Query", { exact: true }).click();
  await page
    .locator(".graphiql-doc-explorer")
    .getByText("rooms", { exact: true })
    .waitFor({ state: "visible", timeout: 10_000 });

  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  assert.ok(
    !stored.includes(stack.headers["X-Auth-Token"]),
    `the auth token was written to localStorage: ${stored}`,
  );
  const foreign = requests.filter((url) => new URL(url).origin !== origin);
  assert.deepEqual(foreign, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test("GraphiQL keeps the edited query across a reload", async (t) => {
  if (!available) {
    assert.ok(!REQUIRED, `RC_GATEWAY_REQUIRE_BROWSER=1 but ${INSTALL_HINT}`);
    t.skip(INSTALL_HINT);
    return;
  }
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${stack.gateway}/graphql`);
  const editor = page.locator(EDITOR);
  await editor.waitFor({ state: "visible", timeout: 30_000 });
  const edited = "query Edited {\n  rooms(first: 1) {\n    totalCount\n  }\n}";
  await editor.evaluate((node, text) => node.CodeMirror.setValue(text), edited);
  // GraphiQL saves its tabs to localStorage shortly after an edit.
  await page.waitForFunction(
    (text) => Object.values(localStorage).some((value) => value.includes(text)),
    JSON.stringify(edited).slice(1, -1),
    { timeout: 10_000 },
  );
  await page.reload();
  await editor.waitFor({ state: "visible", timeout: 30_000 });
  const restored = await editor.evaluate((node) => node.CodeMirror.getValue());
  assert.equal(restored, edited);
  await context.close();
});
