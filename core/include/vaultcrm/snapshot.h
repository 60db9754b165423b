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
//
// A host that holds the snapshot outside this heap (the wasm wrapper: a
// Uint8Array in JavaScript) feeds it through a Loader in pieces instead, so
// the whole file never has to sit in the heap next to the notes decoded from
// it (a 27 MB copy for a 10k-note vault, every page of which a fresh module
// faults in).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vaultcrm/index.h"

namespace vaultcrm::snapshot {

// Layout of the bytes. Bump when the encoding changes.
// 2: each note's record starts with its length (u32), so a Loader can decode
// a note as soon as its bytes are in.
inline constexpr uint32_t kFormatVersion = 2;
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

// load() in pieces: feed() the snapshot's bytes in order, split anywhere,
// then finish(). Each complete note is decoded as it arrives, so the bytes
// held at any time are one piece and the note split across two. finish()
// answers as load() would for the bytes fed (same checks, same messages) and
// touches `vault` only when they are a whole, valid snapshot.
class Loader {
 public:
  Loader();
  ~Loader();
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;

  // False once the bytes so far cannot be a snapshot this build reads (bad
  // magic or version): the caller may stop feeding. Errors inside the body
  // are reported by finish(), after the checksum, as load() reports them.
  bool feed(std::string_view piece);
  bool finish(index::Vault& vault, std::vector<FileStamp>* stamps, std::string& error);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vaultcrm::snapshot
