"""Server-rendered pages for people: thin handlers over the store and publish layers."""
