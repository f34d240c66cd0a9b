"""Operations that take new material into the store: ingest and drop a source, import events, draft extraction."""
