// What the client tests share: logging in to the sandbox as a frontend does,
// the REST listing that GraphQL pagination must reproduce, and a fetch that
// records each response's status and content type.
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";

export const PAGE_SIZE = 50;

/** Rocket.Chat's REST login; returns the headers the gateway forwards. */
export async function login(sandbox, user = "admin", password = "demo") {
  const response = await fetch(`${sandbox}/api/v1/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user, password }),
  });
  assert.equal(response.status, 200);
  const { data } = await response.json();
  return { "X-Auth-Token": data.authToken, "X-User-Id": data.userId };
}

/** Every room `_id` in the REST API's own order, and its total. */
export async function restRooms(sandbox, headers) {
  const ids = [];
  let total = Infinity;
  while (ids.length < total) {
    const url = `${sandbox}/api/v1/livechat/rooms?offset=${ids.length}&count=100`;
    const response = await fetch(url, { headers });
    assert.equal(response.status, 200);
    const body = await response.json();
    total = body.total;
    ids.push(...body.rooms.map((room) => room._id));
    if (body.rooms.length === 0) break;
  }
  return { ids, total };
}

/** A fetch for GraphQL clients that keeps what every response said. */
export function recordingFetch() {
  const seen = [];
  async function recorded(input, init) {
    const response = await fetch(input, init);
    seen.push({
      method: init?.method ?? "GET",
      status: response.status,
      contentType: response.headers.get("content-type"),
    });
    return response;
  }
  return { fetch: recorded, seen };
}

export function newVisitor() {
  const token = `node-${randomUUID()}`;
  return {
    token,
    name: "Ada from Node",
    email: `${token}@example.org`,
  };
}

/** The REST API's own view of a visitor, or null when it is gone. */
export async function restVisitor(sandbox, headers, visitorId) {
  const url = `${sandbox}/api/v1/livechat/visitors.info?visitorId=${visitorId}`;
  const response = await fetch(url, { headers });
  if (response.status !== 200) return null;
  return (await response.json()).visitor;
}

/** The first room visitor that still exists upstream, with its REST record. */
export async function existingVisitor(sandbox, headers, rooms) {
  for (const edge of rooms.edges) {
    const visitor = edge.node.visitor;
    const record = visitor && (await restVisitor(sandbox, headers, visitor.rocketChatId));
    if (record) return { visitor, record };
  }
  throw new Error("no room on the first page has an existing visitor");
}

/** A fetch that keeps, per request, what the APQ protocol is about: the
 * method, the query text if sent, the hash and the answer's error code. */
export function persistedWire() {
  const sent = [];
  async function recorded(input, init) {
    const url = new URL(typeof input === "string" ? input : input.url);
    const body = init?.body ? JSON.parse(init.body) : null;
    const extensions = body
      ? body.extensions
      : JSON.parse(url.searchParams.get("extensions") ?? "null");
    const response = await fetch(input, init);
    const answer = await response.clone().json();
    sent.push({
      method: init?.method ?? "GET",
      query: (body ? body.query : url.searchParams.get("query")) ?? null,
      hash: extensions?.persistedQuery?.sha256Hash ?? null,
      code: answer.errors?.[0]?.extensions?.code ?? null,
    });
    return response;
  }
  return { fetch: recorded, sent };
}

/** SHA-256 hex, as APQ clients hash a query's text. */
export function sha256(text) {
  return createHash("sha256").update(text).digest("hex");
}
