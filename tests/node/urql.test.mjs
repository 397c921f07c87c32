// urql (@urql/core) against the gateway, used the way a frontend uses it:
// queries go out as GET while they fit in a URL, mutations as POST.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { Client, cacheExchange, fetchExchange, gql } from "@urql/core";
import { persistedExchange } from "@urql/exchange-persisted";

import {
  BAD_VARIABLE,
  NODE,
  REGISTER_VISITOR,
  ROOMS_BACKWARD,
  ROOMS_FORWARD,
  ROOM_COUNT,
  VISITOR_BY_TOKEN,
} from "./operations.mjs";
import { startStack } from "./stack.mjs";
import {
  PAGE_SIZE,
  existingVisitor,
  login,
  newVisitor,
  persistedWire,
  recordingFetch,
  restRooms,
  sha256,
} from "./support.mjs";

const GRAPHQL_RESPONSE = "application/graphql-response+json; charset=utf-8";

let stack;
let headers;
let recorder;
let client;

function urql(requestHeaders, fetchFn) {
  return new Client({
    url: stack.graphql,
    exchanges: [cacheExchange, fetchExchange],
    fetch: fetchFn,
    fetchOptions: () => ({ headers: requestHeaders }),
    requestPolicy: "network-only",
  });
}

before(async () => {
  stack = await startStack();
  headers = await login(stack.sandbox);
  recorder = recordingFetch();
  client = urql(headers, recorder.fetch);
});
after(async () => {
  await stack?.stop();
});

async function query(document, variables) {
  const result = await client.query(gql(document), variables).toPromise();
  assert.equal(result.error, undefined);
  return result.data;
}

test("pages through every room forward, then backward, over GET", async () => {
  const rest = await restRooms(stack.sandbox, headers);
  const before = recorder.seen.length;
  const forward = [];
  let after = null;
  for (;;) {
    const { rooms } = await query(ROOMS_FORWARD, { first: PAGE_SIZE, after });
    assert.equal(rooms.totalCount, rest.total);
    forward.push(...rooms.edges.map((edge) => edge.node.rocketChatId));
    if (!rooms.pageInfo.hasNextPage) break;
    after = rooms.pageInfo.endCursor;
  }
  assert.deepEqual(forward, rest.ids);

  const backward = [];
  let beforeCursor = null;
  for (;;) {
    const { rooms } = await query(ROOMS_BACKWARD, {
      last: PAGE_SIZE,
      before: beforeCursor,
    });
    backward.unshift(...rooms.edges.map((edge) => edge.node.rocketChatId));
    if (!rooms.pageInfo.hasPreviousPage) break;
    beforeCursor = rooms.pageInfo.startCursor;
  }
  assert.deepEqual(backward, rest.ids);
  const methods = new Set(recorder.seen.slice(before).map((seen) => seen.method));
  assert.deepEqual([...methods], ["GET"]);
});

test("reads a room's visitor through node", async () => {
  const { rooms } = await query(ROOMS_FORWARD, { first: PAGE_SIZE, after: null });
  const { visitor, record } = await existingVisitor(stack.sandbox, headers, rooms);
  const { node } = await query(NODE, { id: visitor.id });
  assert.deepEqual(node, { ...visitor, __typename: "Visitor", name: record.name });
});

test("registers a visitor (POST) and reads it back by token", async () => {
  const input = newVisitor();
  const result = await client.mutation(gql(REGISTER_VISITOR), { input }).toPromise();
  assert.equal(result.error, undefined);
  assert.equal(recorder.seen.at(-1).method, "POST");
  const registered = result.data.registerVisitor.visitor;
  const emails = [{ __typename: "Email", address: input.email }];
  assert.deepEqual(
    { token: registered.token, name: registered.name, emails: registered.emails },
    { token: input.token, name: input.name, emails },
  );
  const { visitorByToken } = await query(VISITOR_BY_TOKEN, { token: input.token });
  assert.deepEqual(visitorByToken, {
    __typename: "Visitor",
    id: registered.id,
    token: input.token,
    name: input.name,
    emails,
  });
});

test("missing credentials: UNAUTHENTICATED with its code", async () => {
  const anonymousRecorder = recordingFetch();
  const anonymous = urql({}, anonymousRecorder.fetch);
  const result = await anonymous.query(gql(ROOM_COUNT), {}).toPromise();
  assert.equal(result.data?.rooms ?? null, null);
  assert.equal(result.error.networkError, undefined);
  assert.deepEqual(
    result.error.graphQLErrors.map((error) => error.extensions.code),
    ["UNAUTHENTICATED"],
  );
  assert.deepEqual(anonymousRecorder.seen, [
    { method: "GET", status: 200, contentType: GRAPHQL_RESPONSE },
  ]);
});

test("a 400 request error reaches the caller as GraphQL errors", async () => {
  const before = recorder.seen.length;
  const result = await client
    .query(gql(BAD_VARIABLE), { first: "many" })
    .toPromise();
  assert.equal(result.data, undefined);
  assert.equal(result.error.networkError, undefined);
  assert.deepEqual(
    result.error.graphQLErrors.map((error) => [error.extensions.code, error.message]),
    [
      [
        "BAD_USER_INPUT",
        "Variable '$first' has invalid value: Int cannot represent " +
          "non-integer value: 'many'",
      ],
    ],
  );
  assert.deepEqual(recorder.seen.slice(before), [
    { method: "GET", status: 400, contentType: GRAPHQL_RESPONSE },
  ]);
});

for (const method of ["POST", "GET"]) {
  test(`automatic persisted queries over ${method}: miss, register, then hits`, async () => {
    const wire = persistedWire();
    const useGet = method === "GET" ? "within-url-limit" : false;
    const persisted = new Client({
      url: stack.graphql,
      exchanges: [
        cacheExchange,
        persistedExchange({
          preferGetForPersistedQueries: useGet,
          generateHash: async (query) => sha256(query),
        }),
        fetchExchange,
      ],
      fetch: wire.fetch,
      fetchOptions: () => ({ headers }),
      preferGetMethod: useGet,
      requestPolicy: "network-only",
    });
    const text = `
      query PersistedRooms${method}($first: Int!) {
        rooms(first: $first) { totalCount nodes { rocketChatId name } }
      }
    `;
    const document = gql(text);
    const variables = { first: 3 };
    const expected = await query(text, variables);
    const answers = [];
    for (let i = 0; i < 3; i += 1) {
      const result = await persisted.query(document, variables).toPromise();
      assert.equal(result.error, undefined);
      answers.push(result.data);
    }
    assert.deepEqual(answers, [expected, expected, expected]);
    const [, fallback] = wire.sent;
    const hash = sha256(fallback.query);
    assert.deepEqual(wire.sent, [
      { method, query: null, hash, code: "PERSISTED_QUERY_NOT_FOUND" },
      { method, query: fallback.query, hash, code: null },
      { method, query: null, hash, code: null },
      { method, query: null, hash, code: null },
    ]);
  });
}
