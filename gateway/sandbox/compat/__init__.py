"""Imitations of the libraries Rocket.Chat parses requests with: ajv, Meteor
`check`, Express's `qs`."""
