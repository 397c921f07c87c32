#!/usr/bin/env node
// A small livechat console over rc-gateway, using urql (@urql/core) as a
// frontend would. Run it next to `make serve`:
//
//   RC_AUTH_TOKEN=... RC_USER_ID=... node examples/rooms.mjs
//
// (`make serve` prints the demo admin's token and user id.) Each page shows
// PAGE_SIZE rooms; press Enter to load more, `open N` to read room N's last
// messages, or q to stop. With --pages N it loads N pages without asking.
//
//   node examples/rooms.mjs --visitor-token TOKEN
//
// chats as that visitor instead (no credentials: the token is the proof):
// it opens or resumes the visitor's room, shows its messages, and sends each
// line typed; `/close` closes the chat. GRAPHQL_URL overrides the endpoint.
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

import { Client, cacheExchange, fetchExchange, gql } from "@urql/core";

export const ROOMS = gql`
  query Rooms($first: Int!, $after: String) {
    rooms(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id rocketChatId name state createdAt }
    }
  }
`;

export const ROOM_MESSAGES = gql`
  query RoomMessages($id: ID!, $last: Int!) {
    node(id: $id) {
      ... on Room {
        rocketChatId
        name
        messages(first: $last) {
          totalCount
          nodes { rocketChatId text createdAt kind byVisitor alias author { username } }
        }
      }
    }
  }
`;

export const START_CHAT = gql`
  mutation StartChat($token: String!) {
    startChat(input: { token: $token }) { created room { id rocketChatId state } }
  }
`;

export const CHAT_MESSAGES = gql`
  query ChatMessages($token: String!, $roomId: ID!, $first: Int!) {
    chatMessages(token: $token, roomId: $roomId, first: $first) {
      nodes { rocketChatId text createdAt kind byVisitor alias author { username } }
    }
  }
`;

export const SEND_MESSAGE = gql`
  mutation SendMessage($token: String!, $roomId: ID!, $text: String!) {
    sendMessage(input: { token: $token, roomId: $roomId, text: $text }) {
      message { rocketChatId text createdAt kind byVisitor alias author { username } }
    }
  }
`;

export const CLOSE_CHAT = gql`
  mutation CloseChat($token: String!, $roomId: ID!) {
    closeChat(input: { token: $token, roomId: $roomId }) { roomId comment }
  }
`;

export function createClient(url, headers) {
  return new Client({
    url,
    exchanges: [cacheExchange, fetchExchange],
    fetchOptions: () => ({ headers }),
  });
}

function unwrap(result) {
  if (result.error) {
    const codes = result.error.graphQLErrors.map((e) => e.extensions?.code);
    throw new Error(`${result.error.message} (${codes.join(", ") || "no code"})`);
  }
  return result.data;
}

/** One page of rooms after `cursor` (null: the first page). */
export async function loadRooms(client, { pageSize, cursor = null }) {
  const result = await client.query(ROOMS, { first: pageSize, after: cursor }).toPromise();
  return unwrap(result).rooms;
}

/** A room's last `last` messages, oldest of them first (as a chat shows them). */
export async function loadMessages(client, roomId, { last = 20 } = {}) {
  const result = await client
    .query(ROOM_MESSAGES, { id: roomId, last }, { requestPolicy: "network-only" })
    .toPromise();
  const room = unwrap(result).node;
  return { ...room, messages: [...room.messages.nodes].reverse() };
}

/** The visitor's open room, opened if it has none. */
export async function startChat(client, token) {
  return unwrap(await client.mutation(START_CHAT, { token }).toPromise()).startChat;
}

/** The visitor's room's last `first` messages, oldest of them first. */
export async function chatMessages(client, token, roomId, { first = 20 } = {}) {
  const result = await client
    .query(CHAT_MESSAGES, { token, roomId, first }, { requestPolicy: "network-only" })
    .toPromise();
  return [...unwrap(result).chatMessages.nodes].reverse();
}

export async function sendMessage(client, token, roomId, text) {
  const result = await client.mutation(SEND_MESSAGE, { token, roomId, text }).toPromise();
  return unwrap(result).sendMessage.message;
}

export async function closeChat(client, token, roomId) {
  return unwrap(await client.mutation(CLOSE_CHAT, { token, roomId }).toPromise()).closeChat;
}

export function formatMessage(message) {
  const who = message.byVisitor
    ? (message.alias ?? "visitor")
    : (message.author?.username ?? "system");
  const text = message.kind === "TEXT" ? message.text : `[${message.kind}] ${message.text}`;
  return `${message.createdAt}  ${who}: ${text}`.trimEnd();
}

/** Yields pages until there are no more or `more()` says stop. */
export async function* pages(client, { pageSize, more }) {
  let cursor = null;
  for (;;) {
    const page = await loadRooms(client, { pageSize, cursor });
    yield page;
    if (!page.pageInfo.hasNextPage || !(await more())) return;
    cursor = page.pageInfo.endCursor;
  }
}

export function formatRoom(room) {
  return `${room.rocketChatId}  ${room.state.padEnd(7)}  ${room.name ?? "(no name)"}`;
}

async function visitorChat(url, token) {
  const client = createClient(url, {});
  const { room, created } = await startChat(client, token);
  console.log(`${created ? "Opened" : "Resumed"} room ${room.rocketChatId} (${room.state})`);
  for (const message of await chatMessages(client, token, room.id)) {
    console.log(formatMessage(message));
  }
  const lines = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of lines) {
      const text = line.trim();
      if (text === "") continue;
      if (text === "/close") {
        const { comment } = await closeChat(client, token, room.id);
        console.log(`-- closed: ${comment ?? ""}`.trimEnd());
        return;
      }
      console.log(formatMessage(await sendMessage(client, token, room.id, text)));
    }
  } finally {
    lines.close();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      "page-size": { type: "string", default: "10" },
      pages: { type: "string" },
      "visitor-token": { type: "string" },
    },
  });
  const url = process.env.GRAPHQL_URL ?? "http://127.0.0.1:8000/graphql";
  if (values["visitor-token"] !== undefined) {
    await visitorChat(url, values["visitor-token"]);
    return;
  }
  const headers = {
    "X-Auth-Token": process.env.RC_AUTH_TOKEN ?? "",
    "X-User-Id": process.env.RC_USER_ID ?? "",
  };
  const pageSize = Number(values["page-size"]);
  const limit = values.pages === undefined ? null : Number(values.pages);
  // Answers are read as a stream of lines, so piped input works too.
  const prompt =
    limit === null ? createInterface({ input: process.stdin, terminal: false }) : null;
  const answers = prompt?.[Symbol.asyncIterator]();
  const client = createClient(url, headers);
  const listed = [];
  let loaded = 1;
  const more = async () => {
    if (answers === undefined) return loaded++ < limit;
    for (;;) {
      process.stdout.write("Load more? [Enter = yes, open N = read room N, q = quit] ");
      const { value, done } = await answers.next();
      if (!process.stdin.isTTY) process.stdout.write("\n");
      if (done) return false;
      const answer = value.trim().toLowerCase();
      const open = /^open\s+(\d+)$/.exec(answer);
      if (!open) return answer !== "q";
      const room = listed[Number(open[1]) - 1];
      if (room === undefined) {
        console.log(`-- no room ${open[1]} listed`);
        continue;
      }
      const { messages } = await loadMessages(client, room.id);
      console.log(`-- ${room.name}: last ${messages.length} messages`);
      for (const message of messages) console.log(formatMessage(message));
    }
  };

  let shown = 0;
  try {
    for await (const page of pages(client, { pageSize, more })) {
      for (const room of page.nodes) {
        listed.push(room);
        console.log(formatRoom(room));
      }
      shown += page.nodes.length;
      const rest = page.pageInfo.hasNextPage ? "more available" : "that's all";
      console.log(`-- ${shown} of ${page.totalCount} rooms shown; ${rest}`);
    }
  } finally {
    prompt?.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(`rooms.mjs: ${error.message}`);
    process.exitCode = 1;
  });
}
