#!/usr/bin/env node
// Lists livechat rooms through rc-gateway with "load more" pagination, using
// urql (@urql/core) as a frontend would. Run it next to `make serve`:
//
//   RC_AUTH_TOKEN=... RC_USER_ID=... node examples/rooms.mjs
//
// (`make serve` prints the demo admin's token and user id.) Each page shows
// PAGE_SIZE rooms; press Enter to load more, or q to stop. With --pages N it
// loads N pages without asking. GRAPHQL_URL overrides the endpoint.
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

import { Client, cacheExchange, fetchExchange, gql } from "@urql/core";

export const ROOMS = gql`
  query Rooms($first: Int!, $after: String) {
    rooms(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { rocketChatId name state createdAt }
    }
  }
`;

export function createClient(url, headers) {
  return new Client({
    url,
    exchanges: [cacheExchange, fetchExchange],
    fetchOptions: () => ({ headers }),
  });
}

/** One page of rooms after `cursor` (null: the first page). */
export async function loadRooms(client, { pageSize, cursor = null }) {
  const result = await client.query(ROOMS, { first: pageSize, after: cursor }).toPromise();
  if (result.error) {
    const codes = result.error.graphQLErrors.map((e) => e.extensions?.code);
    throw new Error(`${result.error.message} (${codes.join(", ") || "no code"})`);
  }
  return result.data.rooms;
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

async function main() {
  const { values } = parseArgs({
    options: {
      "page-size": { type: "string", default: "10" },
      pages: { type: "string" },
    },
  });
  const url = process.env.GRAPHQL_URL ?? "http://127.0.0.1:8000/graphql";
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
  let loaded = 1;
  const more = async () => {
    if (answers === undefined) return loaded++ < limit;
    process.stdout.write("Load more? [Enter = yes, q = quit] ");
    const { value, done } = await answers.next();
    if (!process.stdin.isTTY) process.stdout.write("\n");
    return !done && value.trim().toLowerCase() !== "q";
  };

  let shown = 0;
  try {
    for await (const page of pages(createClient(url, headers), { pageSize, more })) {
      for (const room of page.nodes) console.log(formatRoom(room));
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
