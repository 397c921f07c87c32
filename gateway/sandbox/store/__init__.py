"""Storage: the SQLite document store, Rocket.Chat's ids and dates, fixtures."""
