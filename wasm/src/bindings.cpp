// wasm/src/bindings.cpp - vaultcrm::Engine for JavaScript (embind).
//
// The only C++ that knows about Emscripten. It marshals bytes and strings and
// nothing else: JSON envelopes cross the boundary (one crossing per call,
// whatever the size), and the typed view of them lives in wasm/js/types.ts.
// The one exception is the index snapshot, which is binary. Note texts come in
// as UTF-8 the wrapper wrote into the heap; answers go out as UTF-8 the
// wrapper decodes from the heap (EngineBinding says why).
//
// The core promises not to throw across Engine, but a std::bad_alloc when the
// heap cannot grow, or a bug, still could. An exception escaping into
// JavaScript would leave the embind call half done, so every call is wrapped
// and a throw becomes the same envelope the core uses for its own errors:
//   {"ok":false,"error":{"code":"internal","message":"..."}}
//
//   const m = await createVaultcrmModule();
//   const e = new m.Engine();
//   e.upsert("a.md", "# A", 0);      // '{"ok":true,"value":...}'
//   const slot = e.resultSlot();     // or, as the wrapper does:
//   const size = e.noteBytes("a.md");
//   const at = m.HEAPU32[slot >> 2]; // the envelope is [at, at + size)
//   e.delete();

#include <emscripten/bind.h>
#include <malloc.h>

#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include "small_alloc.h"
#include "vaultcrm/engine.h"
#include "vaultcrm/snapshot.h"

namespace {

// A JSON string literal. Hand-written so that the boundary depends on nothing
// that could itself throw while reporting a throw.
std::string JsonQuote(const std::string& s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string InternalError(const std::string& message) {
  return "{\"ok\":false,\"error\":{\"code\":\"internal\",\"message\":" + JsonQuote(message) + "}}";
}

// Runs `f` and turns any exception into an "internal" envelope.
template <class F>
std::string Guarded(const char* call, F&& f) noexcept {
  try {
    return std::forward<F>(f)();
  } catch (const std::bad_alloc&) {
    // Building a long message may itself fail now; keep it static.
    return "{\"ok\":false,\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
  } catch (const std::exception& e) {
    try {
      return InternalError(std::string(call) + ": " + e.what());
    } catch (...) {
    }
  } catch (...) {
    try {
      return InternalError(std::string(call) + ": unknown exception");
    } catch (...) {
    }
  }
  return "{\"ok\":false,\"error\":{\"code\":\"internal\",\"message\":\"exception\"}}";
}

// What JavaScript sees as `Engine`. Holds the core engine by pointer so that a
// failing constructor becomes an error on each call instead of an exception
// thrown out of `new Engine()`.
//
// Answers leave as bytes. Emscripten 3.1.6's embind returns a std::string by
// copying it into a fresh malloc'd block, then walking it byte by byte in
// JavaScript twice (a NUL scan of its own, then UTF8ToString's) before
// TextDecoder decodes it: for the 628 KB answer of a tag query that is a
// measurable share of the call. So each `...Bytes` call keeps its answer in
// `result_`, writes its address into `result_at_`, and returns its size; the
// wrapper (engine.ts) decodes the bytes where they lie with TextDecoder, or
// copies them out (the snapshot). `resultSlot()` is the heap address of
// `result_at_`, fixed for the object's lifetime, so an answer still costs one
// crossing. The answer stays until the next `...Bytes` call or
// `releaseResult()`.
class EngineBinding {
 public:
  EngineBinding() {
    try {
      engine_ = std::make_unique<vaultcrm::Engine>();
    } catch (const std::exception& e) {
      init_error_ = e.what();
    } catch (...) {
      init_error_ = "unknown exception";
    }
  }

  // ---- The answer buffer.
  uintptr_t resultSlot() const { return reinterpret_cast<uintptr_t>(&result_at_); }
  void releaseResult() {
    std::string().swap(result_);
    result_at_ = reinterpret_cast<uintptr_t>(result_.data());
  }

  // ---- Calls the wrapper makes: UTF-8 or binary answers in result_.
  // The note-by-note bulk load (Engine::batchBegin/Add/End): batchAddAt
  // returns nothing, so a vault load crosses with no envelope per note; any
  // failure, including an engine that failed to initialise, is batchEnd's
  // answer.
  void batchBegin(double count) {
    if (engine_) engine_->batchBegin(count > 0 ? static_cast<size_t>(count) : 0);
  }
  // batchAdd over UTF-8 the wrapper wrote into its own heap block with
  // TextEncoder.encodeInto (engine.ts). embind's std::string measures and
  // encodes a JavaScript string in two JavaScript loops per character: for a
  // 27 MB vault ~0.3 s of a fresh module's load, and a copy more per note.
  void batchAddAt(uintptr_t path, size_t path_size, uintptr_t text, size_t text_size, double mtime) {
    if (engine_)
      engine_->batchAdd(std::string_view(reinterpret_cast<const char*>(path), path_size),
                        std::string_view(reinterpret_cast<const char*>(text), text_size), mtime);
  }
  size_t batchEndBytes() {
    return Answer("batchEnd", [&](vaultcrm::Engine& e) { return e.batchEnd(); });
  }
  // upsert and attachText over UTF-8 the wrapper wrote into the heap (see
  // batchAddAt): an edit crosses without embind's per-character loops.
  size_t upsertBytes(uintptr_t path, size_t path_size, uintptr_t text, size_t text_size, double mtime) {
    return Answer("upsert", [&](vaultcrm::Engine& e) {
      return e.upsert(std::string_view(reinterpret_cast<const char*>(path), path_size),
                      std::string_view(reinterpret_cast<const char*>(text), text_size), mtime);
    });
  }
  size_t attachTextBytes(uintptr_t path, size_t path_size, uintptr_t text, size_t text_size) {
    return Answer("attachText", [&](vaultcrm::Engine& e) {
      return e.attachText(std::string_view(reinterpret_cast<const char*>(path), path_size),
                          std::string_view(reinterpret_cast<const char*>(text), text_size));
    });
  }
  size_t removeBytes(const std::string& path) {
    return Answer("remove", [&](vaultcrm::Engine& e) { return e.remove(path); });
  }
  size_t renameBytes(const std::string& from, const std::string& to) {
    return Answer("rename", [&](vaultcrm::Engine& e) { return e.rename(from, to); });
  }
  size_t setSchemaBytes(const std::string& schema_json) {
    return Answer("setSchema", [&](vaultcrm::Engine& e) { return e.setSchema(schema_json); });
  }
  size_t noteBytes(const std::string& path) {
    return Answer("note", [&](vaultcrm::Engine& e) { return e.note(path); });
  }
  size_t summaryBytes() {
    return Answer("summary", [&](vaultcrm::Engine& e) { return e.summary(); });
  }
  size_t indexJsonBytes() {
    return Answer("indexJson", [&](vaultcrm::Engine& e) { return e.indexJson(); });
  }
  size_t panelBytes(const std::string& path) {
    return Answer("panel", [&](vaultcrm::Engine& e) { return e.panel(path); });
  }
  size_t panelVersionBytes(const std::string& path) {
    return Answer("panelVersion", [&](vaultcrm::Engine& e) { return e.panelVersion(path); });
  }
  size_t queryBytes(const std::string& source, const std::string& origin_path, const std::string& format) {
    return Answer("query", [&](vaultcrm::Engine& e) { return e.query(source, origin_path, format); });
  }
  size_t queryVersionBytes(const std::string& source, const std::string& origin_path, const std::string& format) {
    return Answer("queryVersion", [&](vaultcrm::Engine& e) { return e.queryVersion(source, origin_path, format); });
  }
  size_t dedupBytes(const std::string& options_json) {
    return Answer("dedup", [&](vaultcrm::Engine& e) { return e.dedup(options_json); });
  }
  size_t mergePlanBytes(const std::string& request_json) {
    return Answer("mergePlan", [&](vaultcrm::Engine& e) { return e.mergePlan(request_json); });
  }
  size_t missingTextsBytes() {
    return Answer("missingTexts", [&](vaultcrm::Engine& e) { return e.missingTexts(); });
  }
  // The snapshot is binary and has no envelope: its bytes, or size 0 if the
  // engine failed or ran out of memory (a snapshot is never empty: it starts
  // with a header). The wrapper copies them out (HEAPU8.slice).
  size_t saveSnapshotBytes() {  // catches everything (embind 3.1.6 binds no noexcept methods)
    try {
      result_ = engine_ ? engine_->saveSnapshot() : std::string();
    } catch (...) {
      std::string().swap(result_);
    }
    result_at_ = reinterpret_cast<uintptr_t>(result_.data());
    return result_.size();
  }
  // A snapshot crosses in pieces: the wrapper copies each into one reused
  // heap block of its own and calls snapshotFeedAt with it, then
  // snapshotEndBytes for loadSnapshot's answer. The core decodes each note as
  // its bytes come in (snapshot::Loader), so the heap never holds the whole
  // file: at 10k notes that was a 27 MB block next to the notes decoded from
  // it, every page of which a fresh module had to fault in. (Through embind's
  // std::string a Uint8Array is copied by a JavaScript loop, byte by byte,
  // and then once more into the string.)
  void snapshotBegin() {
    try {
      loader_ = std::make_unique<vaultcrm::snapshot::Loader>();
    } catch (...) {
      loader_.reset();  // snapshotEndBytes answers for the missing loader
    }
  }
  // False once the bytes cannot be a snapshot this build reads: the wrapper
  // stops feeding, and snapshotEndBytes says why.
  bool snapshotFeedAt(uintptr_t address, size_t size) {
    try {
      return loader_ && loader_->feed(std::string_view(reinterpret_cast<const char*>(address), size));
    } catch (...) {
      loader_.reset();
      return false;
    }
  }
  size_t snapshotEndBytes() {
    std::unique_ptr<vaultcrm::snapshot::Loader> loader = std::move(loader_);
    return Answer("loadSnapshot", [&](vaultcrm::Engine& e) {
      if (!loader) return InternalError("the snapshot could not be read into memory");
      return e.loadSnapshot(*loader);
    });
  }

  // ---- String calls through embind's own conversions. The wrapper uses none
  // of them; the bench's raw stages and tests/wasm drive the module with them
  // (a JSON array of notes, as native engine_json does).
  std::string upsertMany(const std::string& notes_json) {
    return Call("upsertMany", [&](vaultcrm::Engine& e) { return e.upsertMany(notes_json); });
  }
  void batchAdd(const std::string& path, const std::string& text, double mtime) {
    if (engine_) engine_->batchAdd(path, text, mtime);  // noexcept in effect: it catches
  }
  std::string batchEnd() {
    return Call("batchEnd", [&](vaultcrm::Engine& e) { return e.batchEnd(); });
  }
  std::string upsert(const std::string& path, const std::string& text, double mtime) {
    return Call("upsert", [&](vaultcrm::Engine& e) { return e.upsert(path, text, mtime); });
  }
  std::string note(const std::string& path) {
    return Call("note", [&](vaultcrm::Engine& e) { return e.note(path); });
  }
  std::string indexJson() {
    return Call("indexJson", [&](vaultcrm::Engine& e) { return e.indexJson(); });
  }
  std::string panel(const std::string& path) {
    return Call("panel", [&](vaultcrm::Engine& e) { return e.panel(path); });
  }

 private:
  template <class F>
  std::string Call(const char* name, F&& f) noexcept {
    return Guarded(name, [&]() -> std::string {
      if (!engine_) return InternalError(std::string("engine failed to initialise: ") + init_error_);
      return f(*engine_);
    });
  }
  // Call, with the envelope kept in result_ (moved, not copied).
  template <class F>
  size_t Answer(const char* name, F&& f) noexcept {
    result_ = Call(name, std::forward<F>(f));
    result_at_ = reinterpret_cast<uintptr_t>(result_.data());
    return result_.size();
  }

  std::unique_ptr<vaultcrm::Engine> engine_;
  std::unique_ptr<vaultcrm::snapshot::Loader> loader_;  // a snapshot being fed
  std::string init_error_;
  std::string result_;
  uintptr_t result_at_ = 0;
};

int ApiVersion() { return vaultcrm::kApiVersion; }
int SchemaVersion() { return vaultcrm::kSchemaVersion; }

}  // namespace

// The allocator's counts, for the memory bench (bench/js/run.mjs): bytes
// handed out and not yet freed, and the most the heap has ever taken from
// the module's memory (its high-water mark). The size of the memory itself
// says neither: it starts at 16 MB, which hides a small vault's load, and
// grows in steps.
double HeapInUse() { return static_cast<double>(vaultcrm::wasm::heap_in_use()); }
double HeapPeak() { return static_cast<double>(mallinfo().usmblks); }

EMSCRIPTEN_BINDINGS(vaultcrm) {
  emscripten::function("apiVersion", &ApiVersion);
  emscripten::function("heapInUse", &HeapInUse);
  emscripten::function("heapPeak", &HeapPeak);
  emscripten::function("schemaVersion", &SchemaVersion);
  emscripten::class_<EngineBinding>("Engine")
      .constructor<>()
      .function("resultSlot", &EngineBinding::resultSlot)
      .function("releaseResult", &EngineBinding::releaseResult)
      .function("batchBegin", &EngineBinding::batchBegin)
      .function("batchAddAt", &EngineBinding::batchAddAt)
      .function("batchEndBytes", &EngineBinding::batchEndBytes)
      .function("upsertBytes", &EngineBinding::upsertBytes)
      .function("attachTextBytes", &EngineBinding::attachTextBytes)
      .function("removeBytes", &EngineBinding::removeBytes)
      .function("renameBytes", &EngineBinding::renameBytes)
      .function("setSchemaBytes", &EngineBinding::setSchemaBytes)
      .function("noteBytes", &EngineBinding::noteBytes)
      .function("summaryBytes", &EngineBinding::summaryBytes)
      .function("indexJsonBytes", &EngineBinding::indexJsonBytes)
      .function("panelBytes", &EngineBinding::panelBytes)
      .function("panelVersionBytes", &EngineBinding::panelVersionBytes)
      .function("queryBytes", &EngineBinding::queryBytes)
      .function("queryVersionBytes", &EngineBinding::queryVersionBytes)
      .function("dedupBytes", &EngineBinding::dedupBytes)
      .function("mergePlanBytes", &EngineBinding::mergePlanBytes)
      .function("missingTextsBytes", &EngineBinding::missingTextsBytes)
      .function("saveSnapshotBytes", &EngineBinding::saveSnapshotBytes)
      .function("snapshotBegin", &EngineBinding::snapshotBegin)
      .function("snapshotFeedAt", &EngineBinding::snapshotFeedAt)
      .function("snapshotEndBytes", &EngineBinding::snapshotEndBytes)
      .function("upsertMany", &EngineBinding::upsertMany)
      .function("batchAdd", &EngineBinding::batchAdd)
      .function("batchEnd", &EngineBinding::batchEnd)
      .function("upsert", &EngineBinding::upsert)
      .function("note", &EngineBinding::note)
      .function("indexJson", &EngineBinding::indexJson)
      .function("panel", &EngineBinding::panel);
}
