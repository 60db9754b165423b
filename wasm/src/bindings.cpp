// wasm/src/bindings.cpp - vaultcrm::Engine for JavaScript (embind).
//
// The only C++ that knows about Emscripten. It marshals strings and nothing
// else: JSON strings cross the boundary (one crossing per call, whatever the
// size), and the typed view of them lives in wasm/js/types.ts. The one
// exception is the index snapshot, which is bytes (a Uint8Array).
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
//   e.delete();

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include "vaultcrm/engine.h"

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

  std::string upsertMany(const std::string& notes_json) {
    return Call("upsertMany", [&](vaultcrm::Engine& e) { return e.upsertMany(notes_json); });
  }
  // The note-by-note bulk load (Engine::batchBegin/Add/End): batchAdd returns
  // nothing, so a vault load crosses with no envelope per note; any failure,
  // including an engine that failed to initialise, is batchEnd's answer.
  void batchBegin(double count) {
    if (engine_) engine_->batchBegin(count > 0 ? static_cast<size_t>(count) : 0);
  }
  void batchAdd(const std::string& path, const std::string& text, double mtime) {
    if (engine_) engine_->batchAdd(path, text, mtime);  // noexcept in effect: it catches
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
  std::string batchEnd() {
    return Call("batchEnd", [&](vaultcrm::Engine& e) { return e.batchEnd(); });
  }
  std::string upsert(const std::string& path, const std::string& text, double mtime) {
    return Call("upsert", [&](vaultcrm::Engine& e) { return e.upsert(path, text, mtime); });
  }
  std::string remove(const std::string& path) {
    return Call("remove", [&](vaultcrm::Engine& e) { return e.remove(path); });
  }
  std::string rename(const std::string& from, const std::string& to) {
    return Call("rename", [&](vaultcrm::Engine& e) { return e.rename(from, to); });
  }
  std::string setSchema(const std::string& schema_json) {
    return Call("setSchema", [&](vaultcrm::Engine& e) { return e.setSchema(schema_json); });
  }
  std::string note(const std::string& path) {
    return Call("note", [&](vaultcrm::Engine& e) { return e.note(path); });
  }
  std::string summary() {
    return Call("summary", [&](vaultcrm::Engine& e) { return e.summary(); });
  }
  std::string indexJson() {
    return Call("indexJson", [&](vaultcrm::Engine& e) { return e.indexJson(); });
  }
  std::string panel(const std::string& path) {
    return Call("panel", [&](vaultcrm::Engine& e) { return e.panel(path); });
  }
  std::string query(const std::string& source, const std::string& origin_path, const std::string& format) {
    return Call("query", [&](vaultcrm::Engine& e) { return e.query(source, origin_path, format); });
  }
  std::string dedup(const std::string& options_json) {
    return Call("dedup", [&](vaultcrm::Engine& e) { return e.dedup(options_json); });
  }
  std::string mergePlan(const std::string& request_json) {
    return Call("mergePlan", [&](vaultcrm::Engine& e) { return e.mergePlan(request_json); });
  }
  // The snapshot is binary: it leaves as a Uint8Array copy (null if the
  // engine failed or ran out of memory) and comes back as bytes the wrapper
  // copied into the heap itself (malloc + HEAPU8.set, see engine.ts), read
  // where they lie. Through embind's std::string a Uint8Array is copied by a
  // JavaScript loop, byte by byte, and then once more into the string: for
  // a 27 MB snapshot that was a loop of 27 M steps in a fresh module and
  // 27 MB more of heap to fault in.
  emscripten::val saveSnapshot() {
    try {
      if (!engine_) return emscripten::val::null();
      std::string bytes = engine_->saveSnapshot();
      return emscripten::val::global("Uint8Array")
          .new_(emscripten::typed_memory_view(bytes.size(), reinterpret_cast<const unsigned char*>(bytes.data())));
    } catch (...) {
      return emscripten::val::null();
    }
  }
  // `address` is the wrapper's malloc'd block of `size` bytes; it stays the
  // caller's to free.
  std::string loadSnapshotAt(uintptr_t address, size_t size) {
    return Call("loadSnapshot", [&](vaultcrm::Engine& e) {
      return e.loadSnapshot(std::string_view(reinterpret_cast<const char*>(address), size));
    });
  }
  std::string attachText(const std::string& path, const std::string& text) {
    return Call("attachText", [&](vaultcrm::Engine& e) { return e.attachText(path, text); });
  }
  // upsert and attachText over UTF-8 the wrapper wrote into the heap (see
  // batchAddAt): an edit crosses without embind's per-character loops.
  std::string upsertAt(uintptr_t path, size_t path_size, uintptr_t text, size_t text_size, double mtime) {
    return Call("upsert", [&](vaultcrm::Engine& e) {
      return e.upsert(std::string_view(reinterpret_cast<const char*>(path), path_size),
                      std::string_view(reinterpret_cast<const char*>(text), text_size), mtime);
    });
  }
  std::string attachTextAt(uintptr_t path, size_t path_size, uintptr_t text, size_t text_size) {
    return Call("attachText", [&](vaultcrm::Engine& e) {
      return e.attachText(std::string_view(reinterpret_cast<const char*>(path), path_size),
                          std::string_view(reinterpret_cast<const char*>(text), text_size));
    });
  }
  std::string missingTexts() {
    return Call("missingTexts", [&](vaultcrm::Engine& e) { return e.missingTexts(); });
  }

 private:
  template <class F>
  std::string Call(const char* name, F&& f) noexcept {
    return Guarded(name, [&]() -> std::string {
      if (!engine_) return InternalError(std::string("engine failed to initialise: ") + init_error_);
      return f(*engine_);
    });
  }

  std::unique_ptr<vaultcrm::Engine> engine_;
  std::string init_error_;
};

int ApiVersion() { return vaultcrm::kApiVersion; }
int SchemaVersion() { return vaultcrm::kSchemaVersion; }

}  // namespace

EMSCRIPTEN_BINDINGS(vaultcrm) {
  emscripten::function("apiVersion", &ApiVersion);
  emscripten::function("schemaVersion", &SchemaVersion);
  emscripten::class_<EngineBinding>("Engine")
      .constructor<>()
      .function("upsertMany", &EngineBinding::upsertMany)
      .function("batchBegin", &EngineBinding::batchBegin)
      .function("batchAdd", &EngineBinding::batchAdd)
      .function("batchAddAt", &EngineBinding::batchAddAt)
      .function("batchEnd", &EngineBinding::batchEnd)
      .function("upsert", &EngineBinding::upsert)
      .function("remove", &EngineBinding::remove)
      .function("rename", &EngineBinding::rename)
      .function("setSchema", &EngineBinding::setSchema)
      .function("note", &EngineBinding::note)
      .function("summary", &EngineBinding::summary)
      .function("indexJson", &EngineBinding::indexJson)
      .function("panel", &EngineBinding::panel)
      .function("query", &EngineBinding::query)
      .function("dedup", &EngineBinding::dedup)
      .function("mergePlan", &EngineBinding::mergePlan)
      .function("saveSnapshot", &EngineBinding::saveSnapshot)
      .function("loadSnapshotAt", &EngineBinding::loadSnapshotAt)
      .function("attachText", &EngineBinding::attachText)
      .function("upsertAt", &EngineBinding::upsertAt)
      .function("attachTextAt", &EngineBinding::attachTextAt)
      .function("missingTexts", &EngineBinding::missingTexts);
}
