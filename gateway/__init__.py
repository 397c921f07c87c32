"""rc-gateway: a GraphQL gateway over Rocket.Chat's livechat REST API."""

__version__ = "0.1.0"
