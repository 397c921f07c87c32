"""The /api/v1 request pipeline: middleware (latency, faults, the request
log), routing, authentication and limits, Rocket.Chat's error bodies."""
