"""The analysts' web application: server-rendered pages, a JSON API, nothing fetched from elsewhere."""
