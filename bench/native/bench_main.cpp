// bench/native/bench_main.cpp - native timings for scripts/bench.sh.
//
//   vaultcrm_bench vault DIR [--edits FILE] [--label 10k] [--runs 5]
//   vaultcrm_bench patho DIR [--runs 5]
//
// A plain timing main rather than Google Benchmark: each stage is one pass
// over a whole corpus held in memory, repeated (1 warm-up + --runs timed
// runs, single thread), and we want the median of those passes, the bytes,
// and a few counts, as JSON lines on stdout that bench/report.mjs joins with
// the Node side. Files are read before any timing starts.
//
// Stages (all over the same bytes, throughput = note bytes / time):
//   md4c          md_parse() of every whole note with the core's flags and
//                 empty callbacks: the parser ceiling
//   frontmatter   parse_frontmatter() alone (fast path or yaml-cpp)
//   parse         parse_note() of every note
//   index         a fresh index::Vault, upsert() of every note (parse + index)
//   graph         graph::Graph::rebuild() over that vault (entities, relations)
//   index_graph   index + graph: target 1's "parse + extract + index + graph"
//   snapshot_save snapshot::save() of the indexed vault (warm start, target 10)
//   snapshot_load snapshot::load() into a fresh vault: no parsing
//   warm          snapshot_load + graph rebuild: the index usable again
//   engine_json   Engine::upsertMany() of one prebuilt JSON array: what the
//                 wasm boundary costs, without wasm
//   engine_batch  Engine::batchBegin/batchAdd/batchEnd, note by note: the
//                 path the wasm wrapper's upsertMany takes (no JSON)
//   upsert_panel  per edit: Engine::upsert() of one changed note, then
//                 Engine::panel() of its account note; p50/p99 of 2,000 edits
#include <malloc.h>

#include <cstdlib>
#include <new>
#include <md4c.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "vaultcrm/engine.h"
#include "vaultcrm/graph.h"
#include "vaultcrm/index.h"
#include "vaultcrm/panel.h"
#include "vaultcrm/parse.h"
#include "vaultcrm/snapshot.h"

#include "heap_in_use.h"

// Counts C++ heap allocations (md4c's own malloc calls are not included):
// reported per note for the index build and per call for an edit.
// GCC flags free() of operator new's memory, which is malloc's here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
static size_t g_allocs = 0;
void* operator new(std::size_t n) {
  ++g_allocs;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct File {
  std::string path;  // vault-relative
  std::string text;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<File> load_vault(const std::string& dir) {
  std::vector<File> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".md") continue;
    files.push_back({fs::relative(e.path(), dir).generic_string(), read_file(e.path())});
  }
  std::sort(files.begin(), files.end(), [](const File& a, const File& b) { return a.path < b.path; });
  return files;
}

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n == 0 ? 0 : (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  size_t i = static_cast<size_t>(p * (v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// One warm-up pass, then `runs` timed passes; setup() runs untimed before each.
std::vector<double> time_runs(int runs, const std::function<void()>& setup, const std::function<void()>& body) {
  std::vector<double> out;
  for (int r = 0; r <= runs; ++r) {
    setup();
    auto t0 = Clock::now();
    body();
    double ms = ms_since(t0);
    if (r > 0) out.push_back(ms);
  }
  return out;
}

void emit(const nlohmann::json& j) {
  std::printf("%s\n", j.dump().c_str());
  std::fflush(stdout);
}

nlohmann::json row(const std::string& stage, const std::string& label, size_t notes, size_t bytes,
                   const std::vector<double>& runs) {
  double med = median(runs);
  return {{"impl", "native"},  {"stage", stage}, {"corpus", label}, {"notes", notes},
          {"bytes", bytes},    {"median_ms", med}, {"runs_ms", runs},
          {"mb_s", bytes / 1e6 / (med / 1e3)}, {"us_per_note", med * 1e3 / std::max<size_t>(notes, 1)}};
}

// md4c with empty callbacks: what parsing alone costs.
int md_noop_block(MD_BLOCKTYPE, void*, void*) { return 0; }
int md_noop_span(MD_SPANTYPE, void*, void*) { return 0; }
int md_noop_text(MD_TEXTTYPE, const MD_CHAR*, MD_SIZE, void*) { return 0; }

const unsigned kCoreFlags = MD_FLAG_TABLES | MD_FLAG_TASKLISTS | MD_FLAG_WIKILINKS | MD_FLAG_STRIKETHROUGH;

void md4c_pass(const std::vector<File>& files) {
  MD_PARSER p{};
  p.flags = kCoreFlags;
  p.enter_block = md_noop_block;
  p.leave_block = md_noop_block;
  p.enter_span = md_noop_span;
  p.leave_span = md_noop_span;
  p.text = md_noop_text;
  for (const auto& f : files) md_parse(f.text.data(), static_cast<MD_SIZE>(f.text.size()), &p, nullptr);
}

int run_vault(const std::string& dir, const std::string& label, const std::string& edits_path, int runs) {
  auto files = load_vault(dir);
  size_t bytes = 0;
  for (const auto& f : files) bytes += f.text.size();
  const size_t n = files.size();
  std::fprintf(stderr, "[native] %s: %zu notes, %.1f MB\n", label.c_str(), n, bytes / 1e6);

  emit(row("md4c", label, n, bytes, time_runs(runs, [] {}, [&] { md4c_pass(files); })));

  size_t fast = 0;
  emit(row("frontmatter", label, n, bytes, time_runs(runs, [&] { fast = 0; }, [&] {
             for (const auto& f : files) fast += vaultcrm::parse::parse_frontmatter(f.text).used_fast_path;
           })));
  emit({{"impl", "native"}, {"stage", "frontmatter_fast_path"}, {"corpus", label}, {"notes", n}, {"count", fast}});

  size_t links = 0, tags = 0, tasks = 0, headings = 0;
  emit(row("parse", label, n, bytes, time_runs(runs, [&] { links = tags = tasks = headings = 0; }, [&] {
             for (const auto& f : files) {
               auto note = vaultcrm::parse::parse_note(f.path, f.text, 0);
               links += note.links.size();
               tags += note.inline_tags.size();
               tasks += note.tasks.size();
               headings += note.sections.size();
             }
           })));
  emit({{"impl", "native"}, {"stage", "counts"}, {"corpus", label}, {"notes", n},
        {"links", links}, {"tags", tags}, {"tasks", tasks}, {"headings", headings}});

  // Index build; the vault of the last run is measured for heap use.
  size_t heap_before = 0, heap_after = 0, allocs_before = 0, allocs_after = 0;
  {
    std::unique_ptr<vaultcrm::index::Vault> vault;
    emit(row("index", label, n, bytes, time_runs(runs, [&] {
               vault.reset();
               heap_before = heap_in_use();
               vault = std::make_unique<vaultcrm::index::Vault>();
               allocs_before = g_allocs;
             }, [&] {
               for (const auto& f : files) vault->upsert(f.path, f.text, 0);
               allocs_after = g_allocs;
             })));
    heap_after = heap_in_use();
    // Destructors run in setup(), untimed, as in the index stage.
    std::unique_ptr<vaultcrm::graph::Graph> graph;
    emit(row("graph", label, n, bytes, time_runs(runs, [&] { graph = std::make_unique<vaultcrm::graph::Graph>(); },
                                                  [&] { graph->rebuild(*vault); })));
    // index_graph: target 1's whole build, timed as one pass.
    auto index_times = time_runs(runs, [&] {
      graph.reset();
      vault = std::make_unique<vaultcrm::index::Vault>();
      graph = std::make_unique<vaultcrm::graph::Graph>();
    }, [&] {
      for (const auto& f : files) vault->upsert(f.path, f.text, 0);
      graph->rebuild(*vault);
    });
    emit(row("index_graph", label, n, bytes, index_times));

    std::string snap;
    emit(row("snapshot_save", label, n, bytes, time_runs(runs, [&] { snap.clear(); }, [&] {
               snap = vaultcrm::snapshot::save(*vault);
             })));
    std::unique_ptr<vaultcrm::index::Vault> restored;
    std::string error;
    emit(row("snapshot_load", label, n, bytes, time_runs(runs, [&] {
               restored = std::make_unique<vaultcrm::index::Vault>();
             }, [&] {
               if (!vaultcrm::snapshot::load(snap, *restored, nullptr, error)) std::fprintf(stderr, "%s\n", error.c_str());
             })));
    emit(row("warm", label, n, bytes, time_runs(runs, [&] {
               graph.reset();
               restored = std::make_unique<vaultcrm::index::Vault>();
               graph = std::make_unique<vaultcrm::graph::Graph>();
             }, [&] {
               vaultcrm::snapshot::load(snap, *restored, nullptr, error);
               graph->rebuild(*restored);
             })));
    emit({{"impl", "native"}, {"stage", "snapshot_size"}, {"corpus", label}, {"notes", n}, {"bytes", bytes},
          {"snapshot_bytes", snap.size()}});
  }
  emit({{"impl", "native"}, {"stage", "memory"}, {"corpus", label}, {"notes", n}, {"bytes", bytes},
        {"heap_bytes", heap_after - heap_before},
        {"allocs_per_note", static_cast<double>(allocs_after - allocs_before) / std::max<size_t>(n, 1)},
        {"bytes_per_note", static_cast<double>(heap_after - heap_before) / std::max<size_t>(n, 1)}});

  // The same load through the Engine's JSON entry point.
  std::string notes_json;
  {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& f : files) arr.push_back({{"path", f.path}, {"text", f.text}, {"mtime", 0}});
    notes_json = arr.dump();
  }
  std::string account_path = files.empty() ? "" : files.front().path;
  for (const auto& f : files)
    if (f.path.rfind("Customers/", 0) == 0) {
      account_path = f.path;
      break;
    }
  std::unique_ptr<vaultcrm::Engine> engine;
  emit(row("engine_json", label, n, bytes, time_runs(runs, [&] {
             engine.reset();
             engine = std::make_unique<vaultcrm::Engine>();
           }, [&] {
             engine->upsertMany(notes_json);
             engine->panel(account_path);  // the graph is built by its first reader
           })));
  notes_json.clear();
  notes_json.shrink_to_fit();
  emit(row("engine_batch", label, n, bytes, time_runs(runs, [&] {
             engine.reset();
             engine = std::make_unique<vaultcrm::Engine>();
           }, [&] {
             engine->batchBegin(files.size());
             for (const auto& f : files) engine->batchAdd(f.path, f.text, 0);
             engine->batchEnd();
             engine->panel(account_path);
           })));

  if (!edits_path.empty()) {
    auto edits = nlohmann::json::parse(read_file(edits_path));
    std::unordered_map<std::string, const File*> by_path;
    for (const auto& f : files) by_path[f.path] = &f;
    std::vector<double> lat;
    size_t allocs_upsert = 0, allocs_panel = 0, counted = 0, panel_bytes = 0;
    int i = 0, warm = 100;
    for (const auto& e : edits) {
      const File* f = by_path[e["path"].get<std::string>()];
      if (!f) continue;
      std::string text = f->text + "\n- 2026-01-05: edited " + std::to_string(i) + " with [[" +
                         e["account"].get<std::string>() + "]] #bench\n";
      const std::string account = e["account"].get<std::string>();
      size_t a0 = g_allocs;
      auto t0 = Clock::now();
      std::string r1 = engine->upsert(f->path, text, 1);
      size_t a1 = g_allocs;
      std::string r2 = engine->panel(account);
      double ms = ms_since(t0);
      allocs_upsert += a1 - a0;
      allocs_panel += g_allocs - a1;
      panel_bytes += r2.size();
      ++counted;
      if (r2.compare(0, 10, "{\"ok\":true") != 0) {
        std::fprintf(stderr, "panel failed: %.200s\n", r2.c_str());
        return 1;
      }
      if (i++ >= warm) lat.push_back(ms);
    }
    emit({{"impl", "native"}, {"stage", "upsert_panel"}, {"corpus", label}, {"notes", n},
          {"samples", lat.size()}, {"p50_ms", percentile(lat, 0.5)}, {"p99_ms", percentile(lat, 0.99)},
          {"max_ms", percentile(lat, 1.0)},
          {"allocs_upsert", static_cast<double>(allocs_upsert) / std::max<size_t>(counted, 1)},
          {"allocs_panel", static_cast<double>(allocs_panel) / std::max<size_t>(counted, 1)},
          {"panel_json_bytes", panel_bytes / std::max<size_t>(counted, 1)}});
  }
  return 0;
}

int run_patho(const std::string& dir, int runs) {
  auto files = load_vault(dir);
  for (const auto& f : files) {
    auto times = time_runs(runs, [] {}, [&] {
      vaultcrm::index::Vault vault;
      vault.upsert(f.path, f.text, 0);
    });
    auto note = vaultcrm::parse::parse_note(f.path, f.text, 0);
    nlohmann::json j = row("patho", f.path, 1, f.text.size(), times);
    j["links"] = note.links.size();
    j["errors"] = note.errors.size();
    emit(j);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s vault|patho DIR [--label L] [--edits FILE] [--runs N]\n", argv[0]);
    return 2;
  }
  std::string mode = argv[1], dir = argv[2], label = fs::path(dir).filename().string(), edits;
  int runs = 5;
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--label") label = argv[i + 1];
    else if (a == "--edits") edits = argv[i + 1];
    else if (a == "--runs") runs = std::atoi(argv[i + 1]);
  }
  if (mode == "vault") return run_vault(dir, label, edits, runs);
  if (mode == "patho") return run_patho(dir, runs);
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 2;
}
