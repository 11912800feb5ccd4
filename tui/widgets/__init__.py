"""Textual widgets shared by the chat screens."""
