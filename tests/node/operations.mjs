// The GraphQL documents the client tests send, as a frontend would.
export const ROOMS_FORWARD = `
  query RoomsForward($first: Int!, $after: String) {
    rooms(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id rocketChatId name visitor { id rocketChatId username } } }
    }
  }
`;

export const ROOMS_BACKWARD = `
  query RoomsBackward($last: Int!, $before: String) {
    rooms(last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id rocketChatId name visitor { id rocketChatId username } } }
    }
  }
`;

export const NODE = `
  query Node($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Visitor { rocketChatId username name }
    }
  }
`;

export const REGISTER_VISITOR = `
  mutation Register($input: RegisterVisitorInput!) {
    registerVisitor(input: $input) {
      visitor { id token name username emails { address } }
    }
  }
`;

export const VISITOR_BY_TOKEN = `
  query ByToken($token: String!) {
    visitorByToken(token: $token) { id token name emails { address } }
  }
`;

export const ROOM_COUNT = `
  query RoomCount { rooms(first: 1) { totalCount } }
`;

// A request error: the variable cannot be coerced to Int, so execution never
// starts and the gateway answers 400 (application/graphql-response+json).
export const BAD_VARIABLE = `
  query BadVariable($first: Int) { rooms(first: $first) { totalCount } }
`;

// A console page and its detail view: the list must read the same before and
// after the detail view has written the same rooms into a normalised cache.
const ROOM_CARD = `
  id rocketChatId name state createdAt lastMessageAt messageCount
  visitor { id rocketChatId username name status }
  department { id rocketChatId name }
  servedBy { rocketChatId username name status }
`;

export const CONSOLE_ROOMS = `
  query ConsoleRooms($first: Int!) {
    rooms(first: $first) { totalCount nodes { ${ROOM_CARD} } }
  }
`;

export const ROOM_DETAIL = `
  query RoomDetail($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Room {
        ${ROOM_CARD}
        open closedAt tags
        department { enabled agentCount }
        visitor { emails { address } createdAt }
        messages(first: 20) {
          totalCount
          nodes { rocketChatId text createdAt kind byVisitor author { username } }
        }
      }
    }
  }
`;
