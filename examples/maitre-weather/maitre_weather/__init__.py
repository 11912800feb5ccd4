"""maitre-weather: an example plug-in with one agent and one tool, fully offline."""
