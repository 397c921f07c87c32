"""Rocket.Chat's rules the endpoints apply: permissions, room access, livechat."""
