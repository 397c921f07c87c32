"""The HTTP side of `/graphql`: media-type negotiation and refusals.

`gateway.view` is Strawberry's ASGI view on its hooks; what it decides
before GraphQL runs lives here: which media type answers a request
(`negotiation`) and how a refused request is answered (`refusals`).
"""
