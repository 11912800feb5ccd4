"""SEO writing tools: the deterministic audit, the copy check, keyword sources, inspirations,
the job store and the step pipeline. Nothing here imports agents/, router/ or tui/."""
