/**
 * Bytes SQLite cuts the WAL back to after a checkpoint, set on the store's connection and on the
 * roster import's: a city-sized import's transaction grows the WAL to hundreds of MB, which
 * would otherwise stay on disk for good.
 */
export const WAL_SIZE_LIMIT = 64 * 1024 * 1024;
