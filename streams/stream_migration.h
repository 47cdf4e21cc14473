// streams: brings stream data written by earlier releases to the current
// layout.
//
// Stream record keys of format version 1 were `be64(stream id)
// be64(sequence number)`, with one shard per stream named in the stream's
// catalog entry. Version 2 keys carry the shard index
// (docs/formats/stream-record.md). Migration gives each such stream one
// shard with index 0 and the old shard id, and rewrites its record keys.
// It is idempotent, so after a crash part-way it simply runs again at the
// next start. Once it has finished, a marker in the catalog skips it.
#pragma once

#include "absl/status/status.h"
#include "storage/engine.h"
#include "storage/table_store.h"
#include "streams/shard_map.h"

namespace tidings {

// Call once at start, after TableStore::Load and ShardMap::Load and before
// StreamWriter::Recover.
[[nodiscard]] absl::Status MigrateStreamRecords(StorageEngine* engine, const TableStore& tables,
                                                ShardMap* shards);

}  // namespace tidings
