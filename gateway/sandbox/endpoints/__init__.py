"""The REST endpoints, one module per resource, and the shared paged listing."""
