"""Logs, metrics and traces: what an operator sees of the gateway.

A leaf like `config`: it imports nothing of the gateway but `config` and
`errors`, so the upstream client, the schema and the app can all report to it.
"""
