// vaultcrm/snapshot.h - the index saved between sessions (warm start).
//
// A snapshot holds every parsed note of a vault (not the note texts) in a
// compact binary form, with each file's mtime and size so that a host can
// tell which files changed since, and the hash of the bytes each note was
// parsed from so that a text attached later can be checked. Loading one
// skips YAML and Markdown parsing entirely; the graph is rebuilt from the
// notes.
//
// A snapshot is a cache, never a source of truth: a wrong magic, another
// format or parser version, a bad checksum or any structural error makes
// load() fail without touching the vault, and the host indexes from the
// files instead.
//
//   std::string bytes = vaultcrm::snapshot::save(vault);
//   std::vector<vaultcrm::snapshot::FileStamp> stamps; std::string error;
//   if (!vaultcrm::snapshot::load(bytes, vault, &stamps, error)) ...reindex
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vaultcrm/index.h"

namespace vaultcrm::snapshot {

// Layout of the bytes. Bump when the encoding changes.
inline constexpr uint32_t kFormatVersion = 1;
// What the parser extracts. Bump whenever parse::Note's content for the same
// bytes changes (a new field, a fixed bug): old snapshots are then rebuilt.
inline constexpr uint32_t kParserVersion = 1;

// What a host compares with the file on disk to decide whether to re-read it.
struct FileStamp {
  std::string path;
  double mtime = 0;
  uint64_t size = 0;
};

std::string save(const index::Vault& vault);

// The checksum the header carries for the body (not cryptographic: it only
// has to notice a torn write or a flipped byte). Exposed for tests that
// forge well-formed but lying snapshots.
uint64_t checksum(std::string_view body);

// Replaces the content of `vault` with the snapshot's notes (texts detached,
// see Vault::restore) and lists their stamps. On failure returns false, says
// why in `error`, and leaves `vault` as it was.
bool load(std::string_view bytes, index::Vault& vault, std::vector<FileStamp>* stamps, std::string& error);

}  // namespace vaultcrm::snapshot
