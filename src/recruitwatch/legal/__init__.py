"""Legal citations and the provisions knowledge base."""
