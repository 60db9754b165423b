// vaultcrm_profile - fixed workloads for callgrind, so that instruction
// counts (which do not depend on the machine's load, unlike times on this
// shared box) can be compared commit to commit. Each workload runs inside a
// function named profile_<workload>, the toggle to collect, e.g.
//
//   valgrind --tool=callgrind --toggle-collect='*profile_edit*' build/native/bench/vaultcrm_profile edit build/bench/vault-1k
//
//   edit   VAULT           50 edits: Engine::upsert of a changed note, then
//                          Engine::panel of the first customer note
//   index  VAULT [shuffled|reversed]
//                          index::Vault::upsert of every note (parse + index),
//                          in path order, or in a fixed shuffled order (a
//                          host listing files in no particular order), or
//                          in reverse path order (the worst case for keeping
//                          the indexes in path order)
//   graph  VAULT           one graph::Graph::rebuild of the whole vault
//   query  VAULT 'Q' FMT [warm|edit|edit-drop|rename|remove]
//                          3 runs of Engine::query (FMT: dql | tasks); with
//                          "warm", one uncollected run first, so that caches
//                          filled by a first query (entity tables) are not
//                          in the count; with "edit", one uncollected run
//                          first, then 3 times: an upsert of the first
//                          Meetings/ note with a line added (not collected),
//                          then the query (profile_query_after_edit) - the
//                          editor's case, where every open query block
//                          re-runs after each change; "edit-drop" is
//                          "edit" with the engine's query cache emptied
//                          after each upsert (what any change did to it
//                          before the cache followed the vault's changes);
//                          "rename" and "remove" are "edit" with, instead
//                          of the upsert, a rename of one of the first three
//                          People/ notes to "People/Renamed N.md", or its
//                          removal (notes that accounts and meetings name)
//   dashboard VAULT [N]    the first N (200) edits of VAULT.edits.json (bench/gen-vault.mjs)
//                          with the query blocks of bench/js/queries.mjs open, as
//                          run.mjs's upsert_open_queries: after each upsert, each
//                          block's queryVersion, and its page of 100 when that
//                          moved (profile_dashboard_check; the upserts are
//                          profile_dashboard_upsert)
//   summary VAULT          Engine::summary() of the loaded vault, once
//   note   FILE            index::Vault::upsert of one note (e.g. the
//                          pathological link-flood.md)
//   engine-note FILE [new-link|new-note|copies N]
//                          Engine::upsert of one note into an engine that
//                          already holds it (one uncollected upsert first):
//                          what the wasm "patho" bench row times, with the
//                          graph and caches the parse alone leaves out; with
//                          "new-link", the collected upsert has one link more;
//                          with "new-note", it goes to a second path
//   create VAULT           notes created one by one in a live vault: every
//                          50th note (in path order) is left out of the
//                          load, then collected: Engine::upsert of each (the
//                          editor's "file created"; other notes that link
//                          the new name are resolved again)
//   warm   VAULT SNAPSHOT  warm start: indexes VAULT, saves its snapshot to
//                          the file SNAPSHOT (not collected), then collects
//                          only a fresh Engine's loadSnapshot of those bytes
//                          and the graph build its first panel asks for
//                          (profile_snapshot_load, profile_first_panel inside
//                          profile_warm); prints the time of each
//
// Prints what it did, so a run that silently did nothing is visible.
#include <cstdio>
#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <map>
#include <nlohmann/json.hpp>

#include "engine/engine_impl.h"
#include "vaultcrm/engine.h"
#include "vaultcrm/graph.h"
#include "vaultcrm/index.h"

namespace fs = std::filesystem;

namespace {

using Files = std::vector<std::pair<std::string, std::string>>;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Files read_vault(const fs::path& root) {
  Files files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file() && e.path().extension() == ".md")
      files.emplace_back(fs::relative(e.path(), root).generic_string(), read_file(e.path()));
  std::sort(files.begin(), files.end());
  return files;
}

std::string first_account(const Files& files) {
  for (const auto& [path, text] : files)
    if (path.rfind("Customers/", 0) == 0) return path;
  return files.empty() ? std::string() : files.front().first;
}

__attribute__((noinline)) size_t profile_edit(vaultcrm::Engine& engine, const Files& files, const std::string& account) {
  size_t bytes = 0;
  for (size_t i = 0; i < 50; ++i) {
    const auto& [path, text] = files[(i * 7) % files.size()];
    bytes += engine.upsert(path, text + "\n- 2026-01-05: edited with [[" + account + "]]\n", 1).size();
    bytes += engine.panel(account).size();
  }
  return bytes;
}

__attribute__((noinline)) void profile_dashboard_upsert(vaultcrm::Engine& engine, const std::string& path,
                                                      const std::string& text) {
  engine.upsert(path, text, 2);
}

struct Block {
  std::string source, options, shown;
};

// Each block's version, and its page when that moved; how many moved.
__attribute__((noinline)) size_t profile_dashboard_check(const vaultcrm::Engine& engine, std::vector<Block>& blocks) {
  size_t moved = 0;
  for (Block& b : blocks) {
    std::string version = engine.queryVersion(b.source, "", b.options);
    if (version == b.shown) continue;
    engine.query(b.source, "", b.options);
    b.shown = std::move(version);
    ++moved;
  }
  return moved;
}

__attribute__((noinline)) size_t profile_index(vaultcrm::index::Vault& vault, const Files& files) {
  for (const auto& [path, text] : files) vault.upsert(path, text, 0);
  return vault.size();
}

__attribute__((noinline)) size_t profile_summary(const vaultcrm::Engine& engine) { return engine.summary().size(); }

__attribute__((noinline)) size_t profile_graph(const vaultcrm::index::Vault& vault) {
  vaultcrm::graph::Graph graph;
  graph.rebuild(vault);
  return graph.relations_in(vault.notes().begin()->first).size();
}

__attribute__((noinline)) size_t profile_query(const vaultcrm::Engine& engine, const char* query, const char* format) {
  size_t bytes = 0;
  for (int i = 0; i < 3; ++i) bytes += engine.query(query, "", format).size();
  return bytes;
}

__attribute__((noinline)) size_t profile_query_after_edit(const vaultcrm::Engine& engine, const char* query,
                                                         const char* format) {
  return engine.query(query, "", format).size();
}

__attribute__((noinline)) size_t profile_snapshot_load(vaultcrm::Engine& engine, const std::string& bytes) {
  return engine.loadSnapshot(bytes).size();
}

__attribute__((noinline)) size_t profile_first_panel(vaultcrm::Engine& engine, const std::string& account) {
  return engine.panel(account).size();
}

// What a warm start does before it can answer: load, then the first answer
// that needs the graph (the panel of the first account builds it).
// The engine is made and destroyed outside (freeing the vault is not part of a start).
__attribute__((noinline)) void profile_warm(vaultcrm::Engine& engine, const std::string& bytes, const std::string& account) {
  using Clock = std::chrono::steady_clock;
  auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  auto t0 = Clock::now();
  size_t loaded = profile_snapshot_load(engine, bytes);
  auto t1 = Clock::now();
  size_t panel = profile_first_panel(engine, account);
  auto t2 = Clock::now();
  std::printf("warm: snapshot of %zu bytes, load %.1f ms (%zu bytes answered), graph + panel of %s %.1f ms (%zu bytes)\n",
              bytes.size(), ms(t1 - t0), loaded, account.c_str(), ms(t2 - t1), panel);
}

__attribute__((noinline)) size_t profile_note(const std::string& text) {
  vaultcrm::index::Vault vault;
  return vault.upsert("note.md", text, 0).links.size();
}

__attribute__((noinline)) size_t profile_engine_note(vaultcrm::Engine& engine, const std::string& text,
                                                     const char* path = "note.md") {
  return engine.upsert(path, text, 0).size();
}

__attribute__((noinline)) size_t profile_create(vaultcrm::Engine& engine, const Files& created) {
  size_t bytes = 0;
  for (const auto& [path, text] : created) bytes += engine.upsert(path, text, 0).size();
  return bytes;
}

int usage() {
  std::fprintf(stderr,
               "usage: vaultcrm_profile edit VAULT | dashboard VAULT [N] | index VAULT [shuffled|reversed] | graph VAULT | query VAULT 'QUERY' dql|tasks [warm|edit|edit-drop|rename|remove] | summary VAULT | create VAULT | note FILE | engine-note FILE [new-link|new-note|copies N] | warm VAULT SNAPSHOT\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return usage();
  const std::string mode = argv[1];
  if (mode == "note") {
    std::printf("note: %zu links\n", profile_note(read_file(argv[2])));
    return 0;
  }
  if (mode == "engine-note") {
    const std::string text = read_file(argv[2]);
    vaultcrm::Engine engine;
    std::printf("uncollected upsert: %zu bytes\n", engine.upsert("note.md", text, 0).size());
    // "new-link": the collected upsert adds a link at the end, so the note's
    // keys change; "new-note": it upserts the text at a second path, a note
    // the engine has not seen (the wasm patho rows time the three).
    const std::string how = argc >= 4 ? argv[3] : "";
    // "copies N": N-1 more uncollected copies at new paths first, then the
    // collected one; the wasm patho row's "new note" adds a copy per run.
    if (how == "copies") {
      const int copies = argc >= 5 ? std::atoi(argv[4]) : 2;
      for (int i = 1; i + 1 < copies; ++i) engine.upsert("copy-" + std::to_string(i) + ".md", text, 0);
      std::printf("engine-note (copy %d): %zu bytes\n", copies,
                  profile_engine_note(engine, text, "last-copy.md"));
      return 0;
    }
    const bool new_link = how == "new-link", new_note = how == "new-note";
    std::printf("engine-note%s: %zu bytes\n", new_link ? " (a link added)" : new_note ? " (a new note)" : "",
                profile_engine_note(engine, new_link ? text + "\n[[A note linked by the edit]]\n" : text,
                                    new_note ? "other.md" : "note.md"));
    return 0;
  }
  Files files = read_vault(argv[2]);
  if (files.empty()) {
    std::fprintf(stderr, "no .md files under %s\n", argv[2]);
    return 1;
  }
  if (mode == "index") {
    const std::string order = argc >= 4 ? argv[3] : "";
    if (order == "reversed") std::reverse(files.begin(), files.end());
    if (order == "shuffled") {
      // Fisher-Yates with a fixed seed, written out: std::shuffle's order is the library's own.
      std::mt19937 rng(20261126u);
      for (size_t i = files.size(); i > 1; --i) std::swap(files[i - 1], files[rng() % i]);
    }
    vaultcrm::index::Vault vault;
    std::printf("index: %zu notes\n", profile_index(vault, files));
    return 0;
  }
  if (mode == "graph") {
    vaultcrm::index::Vault vault;
    for (const auto& [path, text] : files) vault.upsert(path, text, 0);
    std::printf("graph: %zu notes, %zu relations in the first\n", vault.size(), profile_graph(vault));
    return 0;
  }
  if (mode == "warm" && argc >= 4) {
    std::string bytes;
    {
      vaultcrm::Engine cold;
      for (const auto& [path, text] : files) cold.upsert(path, text, 0);
      bytes = cold.saveSnapshot();
      std::ofstream(argv[3], std::ios::binary) << bytes;
    }
    vaultcrm::Engine engine;
    profile_warm(engine, bytes, first_account(files));
    return 0;
  }
  vaultcrm::Engine engine;
  if (mode == "create") {
    Files created;
    for (size_t i = 0; i < files.size(); ++i) {
      if (i % 50 == 49) created.push_back(files[i]);
      else engine.upsert(files[i].first, files[i].second, 0);
    }
    std::printf("create: %zu notes into %zu, %zu bytes answered\n", created.size(), files.size() - created.size(),
                profile_create(engine, created));
    return 0;
  }
  for (const auto& [path, text] : files) engine.upsert(path, text, 0);
  if (mode == "dashboard") {
    const std::string edits_file = fs::path(argv[2]).lexically_normal().string();
    std::ifstream in(edits_file.substr(0, edits_file.find_last_not_of('/') + 1) + ".edits.json");
    if (!in) return std::fprintf(stderr, "no VAULT.edits.json (bench/gen-vault.mjs writes it)\n"), 1;
    const auto edits = nlohmann::json::parse(in);
    const size_t count = std::min<size_t>(argc >= 4 ? std::stoul(argv[3]) : 200, edits.size());
    const std::string account = first_account(files);
    const std::string target = fs::path(account).stem().string();
    const std::string dql = R"({"format":"dql","page":{"offset":0,"size":100}})";
    const std::string tasks = R"({"format":"tasks","page":{"offset":0,"size":100}})";
    // bench/js/queries.mjs; its "tag+sort" blocks are one block here, as in the editor.
    std::vector<Block> blocks = {
        {"TABLE date, account FROM \"Meetings\" WHERE date >= date(2025-06-01) AND contains(file.tags, \"pilot\") SORT date DESC LIMIT 50", dql, ""},
        {"LIST FROM #priority SORT file.name ASC", dql, ""},
        {"LIST FROM [[" + target + "]] SORT file.path", dql, ""},
        {"not done\ndue before 2025-12-01\nsort by due\nlimit 50", tasks, ""},
        {"TABLE roles, companies FROM people WHERE contains(accounts, [[" + target + "]]) SORT name", dql, ""},
    };
    for (Block& b : blocks) {
      engine.query(b.source, "", b.options);
      b.shown = engine.queryVersion(b.source, "", b.options);
    }
    std::map<std::string, const std::string*> text_of;
    for (const auto& [path, text] : files) text_of[path] = &text;
    size_t moved = 0;
    for (size_t i = 0; i < count; ++i) {
      const std::string path = edits[i]["path"].get<std::string>();
      auto it = text_of.find(path);
      if (it == text_of.end()) continue;
      profile_dashboard_upsert(engine, path, *it->second + "\n- 2026-01-05: edited " + std::to_string(i) + " with [[" +
                                                 edits[i]["account"].get<std::string>() + "]] #bench\n");
      moved += profile_dashboard_check(engine, blocks);
    }
    std::printf("dashboard: %zu edits, %zu blocks open, %zu block checks moved\n", count, blocks.size(), moved);
    return 0;
  }
  if (mode == "summary") {
    std::printf("summary: %zu bytes\n", profile_summary(engine));
    return 0;
  }
  if (mode == "edit") {
    std::string account = first_account(files);
    std::printf("edit: 50 edits, panel of %s, %zu bytes answered\n", account.c_str(),
                profile_edit(engine, files, account));
    return 0;
  }
  if (mode == "query" && argc >= 5) {
    const bool warm = argc >= 6 && std::string(argv[5]) == "warm";
    const bool drop = argc >= 6 && std::string(argv[5]) == "edit-drop";
    if (argc >= 6 && (std::string(argv[5]) == "edit" || drop)) {
      std::printf("warm-up: %zu bytes\n", engine.query(argv[3], "", argv[4]).size());
      auto edited = std::find_if(files.begin(), files.end(),
                                 [](const auto& f) { return f.first.rfind("Meetings/", 0) == 0; });
      if (edited == files.end()) edited = files.begin();
      size_t bytes = 0;
      for (int i = 0; i < 3; ++i) {
        engine.upsert(edited->first, edited->second + "\n- bench edit " + std::to_string(i) + "\n", 1);
        if (drop) engine.impl().query_cache.clear();
        bytes += profile_query_after_edit(engine, argv[3], argv[4]);
      }
      std::printf("query after an edit of %s: %zu bytes answered over 3 runs\n", edited->first.c_str(), bytes);
      return 0;
    }
    const std::string move = argc >= 6 ? argv[5] : "";
    if (move == "rename" || move == "remove") {
      std::printf("warm-up: %zu bytes\n", engine.query(argv[3], "", argv[4]).size());
      std::vector<std::string> people;
      for (const auto& f : files)
        if (f.first.rfind("People/", 0) == 0 && people.size() < 3) people.push_back(f.first);
      if (people.empty()) people.push_back(files.front().first);
      size_t bytes = 0;
      for (size_t i = 0; i < people.size(); ++i) {
        if (move == "rename") engine.rename(people[i], "People/Renamed " + std::to_string(i) + ".md");
        else engine.remove(people[i]);
        bytes += profile_query_after_edit(engine, argv[3], argv[4]);
      }
      std::printf("query after a %s of %s (and %zu more): %zu bytes answered over %zu runs\n", move.c_str(),
                  people[0].c_str(), people.size() - 1, bytes, people.size());
      return 0;
    }
    if (warm) std::printf("warm-up: %zu bytes\n", engine.query(argv[3], "", argv[4]).size());
    std::printf("query: %zu bytes answered over 3 runs\n", profile_query(engine, argv[3], argv[4]));
    return 0;
  }
  return usage();
}
