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
