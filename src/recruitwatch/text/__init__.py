"""Text handling: decoding bytes, HTML to text, language id, words and sentences."""
