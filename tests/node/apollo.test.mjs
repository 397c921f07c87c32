// Apollo Client 4 against the gateway, used the way a frontend uses it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  ApolloClient,
  CombinedGraphQLErrors,
  HttpLink,
  InMemoryCache,
  gql,
} from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";

import {
  BAD_VARIABLE,
  CONSOLE_ROOMS,
  NODE,
  ROOM_DETAIL,
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

let stack;
let headers;
let recorder;
let client;

function apollo(requestHeaders, fetchFn = fetch) {
  return new ApolloClient({
    link: new HttpLink({ uri: stack.graphql, headers: requestHeaders, fetch: fetchFn }),
    cache: new InMemoryCache({
      possibleTypes: { Node: ["Visitor", "Room", "Contact", "Department"] },
    }),
  });
}

before(async () => {
  stack = await startStack();
  headers = await login(stack.sandbox);
  recorder = recordingFetch();
  client = apollo(headers, recorder.fetch);
});
after(async () => {
  client?.stop();
  await stack?.stop();
});

async function query(document, variables) {
  const { data } = await client.query({
    query: gql(document),
    variables,
    fetchPolicy: "network-only",
  });
  return data;
}

test("pages through every room forward, then backward", async () => {
  const rest = await restRooms(stack.sandbox, headers);
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
  let before = null;
  for (;;) {
    const { rooms } = await query(ROOMS_BACKWARD, { last: PAGE_SIZE, before });
    backward.unshift(...rooms.edges.map((edge) => edge.node.rocketChatId));
    if (!rooms.pageInfo.hasPreviousPage) break;
    before = rooms.pageInfo.startCursor;
  }
  assert.deepEqual(backward, rest.ids);
});

test("reads a room's visitor through node", async () => {
  const { rooms } = await query(ROOMS_FORWARD, { first: PAGE_SIZE, after: null });
  const { visitor, record } = await existingVisitor(stack.sandbox, headers, rooms);
  const { node } = await query(NODE, { id: visitor.id });
  assert.deepEqual(node, { ...visitor, __typename: "Visitor", name: record.name });
});

test("registers a visitor and reads it back by token", async () => {
  const input = newVisitor();
  const { data } = await client.mutate({
    mutation: gql(REGISTER_VISITOR),
    variables: { input },
  });
  const registered = data.registerVisitor.visitor;
  assert.deepEqual(
    { token: registered.token, name: registered.name, emails: registered.emails },
    {
      token: input.token,
      name: input.name,
      emails: [{ __typename: "Email", address: input.email }],
    },
  );
  const { visitorByToken } = await query(VISITOR_BY_TOKEN, { token: input.token });
  assert.deepEqual(visitorByToken, {
    __typename: "Visitor",
    id: registered.id,
    token: input.token,
    name: input.name,
    emails: [{ __typename: "Email", address: input.email }],
  });
  assert.equal(recorder.seen.at(-2).method, "POST");
});

test("missing credentials: UNAUTHENTICATED with its code", async () => {
  const anonymousRecorder = recordingFetch();
  const anonymous = apollo({}, anonymousRecorder.fetch);
  await assert.rejects(
    anonymous.query({ query: gql(ROOM_COUNT) }),
    (error) => {
      assert.ok(CombinedGraphQLErrors.is(error), `got ${error}`);
      assert.deepEqual(
        error.errors.map((e) => e.extensions.code),
        ["UNAUTHENTICATED"],
      );
      return true;
    },
  );
  anonymous.stop();
  // A field error, not a request error: the spec keeps it a 200 with data null.
  assert.deepEqual(anonymousRecorder.seen, [
    {
      method: "POST",
      status: 200,
      contentType: "application/graphql-response+json; charset=utf-8",
    },
  ]);
});

test("a 400 request error reaches the caller as GraphQL errors", async () => {
  const before = recorder.seen.length;
  await assert.rejects(
    client.query({ query: gql(BAD_VARIABLE), variables: { first: "many" } }),
    (error) => {
      assert.ok(CombinedGraphQLErrors.is(error), `got ${error}`);
      assert.deepEqual(
        error.errors.map((e) => [e.extensions.code, e.message]),
        [
          [
            "BAD_USER_INPUT",
            "Variable '$first' has invalid value: Int cannot represent " +
              "non-integer value: 'many'",
          ],
        ],
      );
      return true;
    },
  );
  assert.deepEqual(recorder.seen.slice(before), [
    {
      method: "POST",
      status: 400,
      contentType: "application/graphql-response+json; charset=utf-8",
    },
  ]);
});

for (const method of ["POST", "GET"]) {
  test(`automatic persisted queries over ${method}: miss, register, then hits`, async () => {
    const wire = persistedWire();
    const persisted = new ApolloClient({
      link: new PersistedQueryLink({
        sha256,
        useGETForHashedQueries: method === "GET",
      }).concat(new HttpLink({ uri: stack.graphql, headers, fetch: wire.fetch })),
      cache: new InMemoryCache(),
    });
    const document = gql(`
      query PersistedRooms${method}($first: Int!) {
        rooms(first: $first) { totalCount nodes { rocketChatId name } }
      }
    `);
    const variables = { first: 3 };
    const expected = await client.query({
      query: document,
      variables,
      fetchPolicy: "network-only",
    });
    const answers = [];
    for (let i = 0; i < 3; i += 1) {
      const { data } = await persisted.query({
        query: document,
        variables,
        fetchPolicy: "network-only",
      });
      answers.push(data);
    }
    persisted.stop();
    assert.deepEqual(answers, [expected.data, expected.data, expected.data]);
    const [, fallback, ...hits] = wire.sent;
    const hash = sha256(fallback.query);
    assert.deepEqual(wire.sent, [
      { method, query: null, hash, code: "PERSISTED_QUERY_NOT_FOUND" },
      // Apollo's link always resends the full query over POST.
      { method: "POST", query: fallback.query, hash, code: null },
      ...hits.map(() => ({ method, query: null, hash, code: null })),
    ]);
    assert.equal(hits.length, 2);
  });
}

test("list, then detail, then list again: the cache keeps every field", async () => {
  const cached = apollo(headers);
  try {
    const first = await cached.query({
      query: gql(CONSOLE_ROOMS),
      variables: { first: 25 },
      fetchPolicy: "network-only",
    });
    const rooms = first.data.rooms.nodes;
    assert.equal(rooms.length, 25);
    // Rooms with a department are the ones whose name used to blank.
    const opened = rooms.filter((room) => room.department).slice(0, 5);
    assert.ok(opened.length > 0);
    for (const room of opened) {
      const { data } = await cached.query({
        query: gql(ROOM_DETAIL),
        variables: { id: room.id },
        fetchPolicy: "network-only",
      });
      assert.equal(data.node.id, room.id);
      assert.equal(data.node.department.name, room.department.name);
      assert.equal(data.node.visitor.status, room.visitor.status);
    }
    const again = await cached.query({
      query: gql(CONSOLE_ROOMS),
      variables: { first: 25 },
      fetchPolicy: "cache-only",
    });
    assert.deepEqual(again.data, first.data);
    // And the gateway agrees with what the cache now holds.
    const fresh = await query(CONSOLE_ROOMS, { first: 25 });
    assert.deepEqual(fresh, first.data);
  } finally {
    cached.stop();
  }
});
