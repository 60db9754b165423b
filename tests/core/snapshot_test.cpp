// The persisted index (warm start): a snapshot restores exactly what parsing
// the files gives, and a damaged or foreign snapshot is refused, never used.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine_impl.h"
#include "test_util.h"
#include "vaultcrm/engine.h"
#include "vaultcrm/snapshot.h"

namespace fs = std::filesystem;
using vaultcrm::Engine;

namespace {

// The sample vault plus notes that exercise every field kind: BOM + CRLF,
// broken YAML (diagnostics), nested frontmatter, tables, code, fields.
void load_corpus(Engine& engine) {
  const fs::path root = vaultcrm::testing::source_path("sample-vault");
  double mtime = 1700000000000;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file() || e.path().extension() != ".md") continue;
    engine.upsert(fs::relative(e.path(), root).generic_string(), vaultcrm::testing::read_file(e.path().string()),
                  mtime += 1000.5);
  }
  engine.upsert("Odd/Bom Crlf.md", "\xEF\xBB\xBF---\r\ntags: [a, b]\r\n---\r\n# H\r\n- [ ] task [[Ana]]\r\n", 5);
  engine.upsert("Odd/Broken.md", "---\ntitle: [unclosed\n---\nbody #tag\n", 6);
  engine.upsert("Odd/Nested.md",
                "---\nowner: \"[[Ana Lima]]\"\nmeta:\n  deep: {a: [1, 2.5, true, null, x]}\n---\n"
                "| Name | Role |\n|---|---|\n| [[Ana Lima\\|Ana]] | CTO |\n\n```js\nconst a = '[[no]]';\n```\n"
                "status:: active\n- 2026-01-02 met (due:: 2026-02-01) ⏫ 📅 2026-03-01\n",
                7);
}

std::string reply_value(const std::string& envelope) {
  auto j = nlohmann::json::parse(envelope);
  EXPECT_TRUE(j["ok"].get<bool>()) << envelope.substr(0, 300);
  return j["value"].dump();
}

std::string error_code(const std::string& envelope) {
  auto j = nlohmann::json::parse(envelope);
  return j["ok"].get<bool>() ? "" : j["error"]["code"].get<std::string>();
}

}  // namespace

TEST(Snapshot, RestoresWhatParsingGives) {
  Engine fresh;
  load_corpus(fresh);
  std::string bytes = fresh.saveSnapshot();

  Engine warm;
  auto loaded = nlohmann::json::parse(warm.loadSnapshot(bytes));
  ASSERT_TRUE(loaded["ok"].get<bool>()) << loaded.dump();
  EXPECT_EQ(loaded["value"]["notes"].get<size_t>(), fresh.impl().vault.size());

  // Every note field, resolved links and per-note errors; the graph; a panel; a query.
  EXPECT_EQ(reply_value(warm.indexJson()), reply_value(fresh.indexJson()));
  EXPECT_TRUE(warm.impl().graph().snapshot(warm.impl().vault) == fresh.impl().graph().snapshot(fresh.impl().vault));
  EXPECT_EQ(reply_value(warm.panel("Customers/Microsoft.md")), reply_value(fresh.panel("Customers/Microsoft.md")));
  const char* dql = "TABLE status, industry FROM #customer SORT file.name ASC";
  EXPECT_EQ(reply_value(warm.query(dql, "x.md", "dql")), reply_value(fresh.query(dql, "x.md", "dql")));

  // The stamps are what the host compares with the files.
  bool saw_bom = false;
  for (const auto& f : loaded["value"]["files"]) {
    const auto* note = fresh.impl().vault.find(f["path"].get<std::string>());
    ASSERT_NE(note, nullptr);
    EXPECT_EQ(f["mtime"].get<double>(), note->mtime);
    EXPECT_EQ(f["size"].get<uint64_t>(), note->size);
    saw_bom |= f["path"] == "Odd/Bom Crlf.md";
  }
  EXPECT_TRUE(saw_bom);
}

TEST(Snapshot, TextsComeBackCheckedByHash) {
  Engine fresh;
  load_corpus(fresh);
  Engine warm;
  ASSERT_EQ(error_code(warm.loadSnapshot(fresh.saveSnapshot())), "");
  auto missing = nlohmann::json::parse(warm.missingTexts())["value"]["paths"];
  EXPECT_EQ(missing.size(), fresh.impl().vault.size());
  // Until its text is back a note still answers with the hash it was parsed from.
  EXPECT_EQ(warm.impl().vault.text_hash("Customers/Microsoft.md"),
            fresh.impl().vault.text_hash("Customers/Microsoft.md"));
  EXPECT_FALSE(warm.impl().vault.text("Customers/Microsoft.md").has_value());

  for (const auto& p : missing) {
    std::string path = p.get<std::string>();
    auto r = nlohmann::json::parse(warm.attachText(path, *fresh.impl().vault.text(path)));
    EXPECT_TRUE(r["value"]["attached"].get<bool>()) << path;
  }
  EXPECT_TRUE(nlohmann::json::parse(warm.missingTexts())["value"]["paths"].empty());
  // With every text back, dedup (which reads paragraphs) agrees too.
  EXPECT_EQ(reply_value(warm.dedup("{}")), reply_value(fresh.dedup("{}")));

  // Bytes that changed since the snapshot are indexed, not attached.
  Engine changed;
  ASSERT_EQ(error_code(changed.loadSnapshot(fresh.saveSnapshot())), "");
  auto r = nlohmann::json::parse(changed.attachText("Odd/Broken.md", "---\ntitle: fixed\n---\nnew body #other\n"));
  EXPECT_FALSE(r["value"]["attached"].get<bool>());
  EXPECT_TRUE(r["value"]["reindexed"].get<bool>());
  const auto* note = changed.impl().vault.find("Odd/Broken.md");
  ASSERT_NE(note, nullptr);
  EXPECT_TRUE(note->errors.empty());
  EXPECT_EQ(note->tags, std::vector<std::string>{"other"});
}

// A merge plan reads note bytes: with texts still detached it must refuse
// (not read the notes as empty), and work once they are back.
TEST(Snapshot, MergePlansWaitForTexts) {
  Engine fresh;
  load_corpus(fresh);
  Engine warm;
  ASSERT_EQ(error_code(warm.loadSnapshot(fresh.saveSnapshot())), "");
  const std::string request = R"({"kind":"contacts","canonical":"Jonsi Stefansson","members":["Jonsi Stephenson"]})";
  EXPECT_EQ(error_code(warm.mergePlan(request)), "texts_missing");
  const auto missing = nlohmann::json::parse(warm.missingTexts());
  for (const auto& p : missing["value"]["paths"]) {
    std::string path = p.get<std::string>();
    warm.attachText(path, *fresh.impl().vault.text(path));
  }
  EXPECT_EQ(warm.mergePlan(request), fresh.mergePlan(request));
}

TEST(Snapshot, RestoredNoteKeepsItsHashThroughRename) {
  Engine fresh;
  fresh.upsert("People/Ana Lima.md", "---\nemail: ana@example.org\n---\n# Ana\n", 1);
  Engine warm;
  ASSERT_EQ(error_code(warm.loadSnapshot(fresh.saveSnapshot())), "");
  ASSERT_EQ(error_code(warm.rename("People/Ana Lima.md", "People/Ana M. Lima.md")), "");
  auto r = nlohmann::json::parse(warm.attachText("People/Ana M. Lima.md", "---\nemail: ana@example.org\n---\n# Ana\n"));
  EXPECT_TRUE(r["value"]["attached"].get<bool>());
  EXPECT_EQ(error_code(warm.attachText("People/Ana Lima.md", "x")), "not_found");
}

TEST(Snapshot, DamagedSnapshotsAreRefusedAndChangeNothing) {
  Engine fresh;
  load_corpus(fresh);
  const std::string bytes = fresh.saveSnapshot();

  Engine host;
  host.upsert("Keep.md", "# still here\n", 1);
  auto untouched = [&] {
    EXPECT_EQ(host.impl().vault.size(), 1u);
    EXPECT_NE(host.impl().vault.find("Keep.md"), nullptr);
  };
  // Every cut, coarse over the body and byte by byte over the header.
  for (size_t cut = 0; cut < bytes.size(); cut += (cut < 64 ? 1 : 997)) {
    EXPECT_EQ(error_code(host.loadSnapshot(std::string_view(bytes).substr(0, cut))), "snapshot_invalid") << cut;
  }
  // A flipped bit anywhere.
  for (size_t at = 0; at < bytes.size(); at += 1009) {
    std::string damaged = bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x10);
    EXPECT_EQ(error_code(host.loadSnapshot(damaged)), "snapshot_invalid") << at;
  }
  EXPECT_EQ(error_code(host.loadSnapshot("")), "snapshot_invalid");
  EXPECT_EQ(error_code(host.loadSnapshot(std::string(bytes) + "x")), "snapshot_invalid");
  untouched();
}

TEST(Snapshot, OtherVersionsAreRefusedWithTheReason) {
  Engine fresh;
  fresh.upsert("A.md", "# A\n", 1);
  std::string bytes = fresh.saveSnapshot();
  // The format and parser versions are the two u32 after the 8-byte magic.
  uint32_t old_parser = vaultcrm::snapshot::kParserVersion - 1;
  std::memcpy(bytes.data() + 12, &old_parser, 4);
  Engine host;
  auto r = nlohmann::json::parse(host.loadSnapshot(bytes));
  ASSERT_FALSE(r["ok"].get<bool>());
  EXPECT_EQ(r["error"]["code"], "snapshot_invalid");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("parser"), std::string::npos);
}

// Well-formed bytes (right checksum) that lie about counts or types must
// fail cleanly: no huge allocation, no read past the end.
TEST(Snapshot, LyingContentFailsCleanly) {
  Engine fresh;
  fresh.upsert("A.md", "---\ntags: [x]\n---\n# A\n- item [[B]]\n", 1);
  const std::string bytes = fresh.saveSnapshot();
  const std::string header = bytes.substr(0, 16), body = bytes.substr(32);
  auto forge = [&](const std::string& new_body) {
    std::string out = header;
    uint64_t size = new_body.size(), sum = vaultcrm::snapshot::checksum(new_body);
    out.append(reinterpret_cast<const char*>(&size), 8);
    out.append(reinterpret_cast<const char*>(&sum), 8);
    return out + new_body;
  };
  Engine host;
  // The forging itself is right: the unchanged body loads.
  ASSERT_EQ(error_code(host.loadSnapshot(forge(body))), "");
  // 2^40 notes claimed (the count varint is the body's first byte, 1).
  ASSERT_EQ(body[0], '\x01');
  auto r = nlohmann::json::parse(host.loadSnapshot(forge("\x80\x80\x80\x80\x80\x20" + body.substr(1))));
  EXPECT_EQ(r["error"]["code"], "snapshot_invalid");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("corrupt"), std::string::npos);
  // Every single-byte change of the body, re-checksummed: refused or loaded, never a crash.
  for (size_t at = 0; at < body.size(); ++at) {
    for (unsigned char v : {0x00, 0x7f, 0x80, 0xff}) {
      std::string b = body;
      b[at] = static_cast<char>(v);
      std::string code = error_code(host.loadSnapshot(forge(b)));
      EXPECT_TRUE(code.empty() || code == "snapshot_invalid") << at;
    }
  }
  // Trailing garbage after the last note.
  EXPECT_EQ(error_code(host.loadSnapshot(forge(body + std::string(1, '\0')))), "snapshot_invalid");
}

// loadSnapshot writes its reply without an nlohmann tree; it must be the
// bytes the tree gave (hosts parse it, but the other replies are compared
// byte for byte too): paths to escape, fractional and large mtimes, sizes.
TEST(Snapshot, LoadReplyIsWhatTheJsonTreeWrote) {
  Engine fresh;
  fresh.upsert("Odd/Quote \" back\\slash.md", "# q\n", 1700000000123.5);
  fresh.upsert("Odd/Ünïcode 中文 \u00e9.md", "# u\n\x01 control\n", 0.25);
  fresh.upsert("Plain.md", std::string(5000, 'x'), 1e15);
  fresh.upsert("Zero.md", "", 0);
  std::string bytes = fresh.saveSnapshot();

  Engine warm;
  std::string reply = warm.loadSnapshot(bytes);
  nlohmann::json files = nlohmann::json::array();
  for (const auto& [path, note] : fresh.impl().vault.notes())
    files.push_back({{"path", path}, {"mtime", note.mtime}, {"size", static_cast<uint64_t>(note.size)}});
  nlohmann::json value = {{"notes", fresh.impl().vault.size()}, {"files", std::move(files)}};
  EXPECT_EQ(reply, "{\"ok\":true,\"value\":" + value.dump() + "}");
}

namespace {

// A generated vault, deterministic: accounts with contacts, timelines and a
// collaborators table, people (some with aliases, some sharing a basename
// in two folders), meetings linking accounts and people by name and by
// path, tags with subtags, links to notes that do not exist.
std::vector<std::pair<std::string, std::string>> generated_vault(int accounts) {
  std::vector<std::pair<std::string, std::string>> files;
  auto person = [](int i) { return "Person " + std::to_string(i % 37) + " Name" + std::to_string(i % 11); };
  for (int i = 0; i < accounts * 4; ++i) {
    std::string folder = i % 9 == 0 ? "People/Former/" : "People/";
    files.push_back({folder + person(i) + ".md",
                     "---\ntype: person\ncompany: \"[[Account " + std::to_string(i % accounts) + "]]\"\nrole: R" +
                         std::to_string(i % 5) + "\n" + (i % 3 == 0 ? "aliases:\n  - P" + std::to_string(i) + "\n" : "") +
                         "tags:\n  - type/person\n  - team/t" + std::to_string(i % 4) + "\n---\n# " + person(i) +
                         "\n\nWorks with [[" + person(i + 1) + "]] and [[People/" + person(i + 2) + "]].\n"});
    // The same basename in a shorter path: links by name resolve to it.
    if (i % 9 == 0) files.push_back({"Archive/" + person(i) + ".md", "# Old " + person(i) + " #team/archive\n"});
  }
  for (int a = 0; a < accounts; ++a) {
    std::string t = "---\ntype: customer\ntags:\n  - type/customer\n  - industry/i" + std::to_string(a % 3) +
                    "\n---\n# Account " + std::to_string(a) + "\n\n## Key Contacts\n\n";
    for (int k = 0; k < 6; ++k) t += "- [[" + person(a * 3 + k) + "]] - R" + std::to_string(k) + "\n";
    t += "- Someone Unnoted " + std::to_string(a) + "\n- P" + std::to_string(a * 3) + "\n\n## Recent Context\n\n";
    for (int k = 0; k < 5; ++k)
      t += "- 2026-01-0" + std::to_string(k + 1) + ": met [[" + person(a + k) + "]] in [[2026-01-0" +
           std::to_string(k + 1) + " - Account " + std::to_string(a) + " sync]] #followup/q" + std::to_string(k % 2) +
           "\n";
    t += "\n## Collaborators\n\n| Name | Role | Company |\n|---|---|---|\n";
    for (int k = 0; k < 3; ++k)
      t += "| [[" + person(a + 7 * k) + "]] | Lead " + std::to_string(k) + " | [[Account " + std::to_string((a + k) % accounts) + "]] |\n";
    t += "\n- [ ] Call [[" + person(a) + "]] 📅 2026-02-0" + std::to_string(a % 9 + 1) + "\n- [[Missing Note " +
         std::to_string(a) + "]]\n";
    files.push_back({"Customers/Account " + std::to_string(a) + ".md", t});
    for (int k = 0; k < 5; ++k)
      files.push_back({"Meetings/2026-01-0" + std::to_string(k + 1) + " - Account " + std::to_string(a) + " sync.md",
                       "---\ntype: meeting\naccount: \"[[Customers/Account " + std::to_string(a) + "]]\"\nattendees:\n  - \"[[" +
                           person(a + k) + "]]\"\n  - \"[[" + person(a + k + 1) + "]]\"\n---\n# Sync\n\n## Attendees\n\n- [[" +
                           person(a + 2 * k) + "]]\n- [[Account " + std::to_string(a) + "]]\n"});
  }
  return files;
}

// Everything a host reads that derives from the index and the graph.
void expect_same_answers(Engine& warm, Engine& cold, const std::vector<std::string>& accounts,
                         const std::string& when) {
  SCOPED_TRACE(when);
  EXPECT_EQ(reply_value(warm.indexJson()), reply_value(cold.indexJson()));
  EXPECT_TRUE(warm.impl().graph().snapshot(warm.impl().vault) == cold.impl().graph().snapshot(cold.impl().vault));
  for (const auto& a : accounts) EXPECT_EQ(reply_value(warm.panel(a)), reply_value(cold.panel(a))) << a;
  for (const char* q : {"LIST FROM #team SORT file.name", "LIST FROM #followup/q1 SORT file.name",
                        "TABLE file.inlinks FROM \"People\" SORT file.name",
                        "TABLE roles, companies, accounts FROM people SORT name",
                        "LIST FROM [[Account 1]] SORT file.name"})
    EXPECT_EQ(reply_value(warm.query(q, "x.md", "dql")), reply_value(cold.query(q, "x.md", "dql"))) << q;
  const char* tasks = "not done\nsort by due";
  EXPECT_EQ(reply_value(warm.query(tasks, "x.md", "tasks")), reply_value(cold.query(tasks, "x.md", "tasks")));
}

}  // namespace

// A warm-started engine answers as one built from the files, on a generated
// vault, and keeps doing so through edits that change names, links and
// tags (the indexes and the graph restored from a snapshot are then updated
// note by note, not rebuilt).
TEST(Snapshot, WarmEngineAnswersAsColdOnGeneratedVault) {
  auto files = generated_vault(12);
  Engine cold;
  double mtime = 1;
  for (const auto& [path, text] : files) cold.upsert(path, text, mtime++);
  std::string bytes = cold.saveSnapshot();
  Engine warm;
  ASSERT_TRUE(nlohmann::json::parse(warm.loadSnapshot(bytes))["ok"].get<bool>());
  std::vector<std::string> accounts;
  for (const auto& [path, text] : files)
    if (path.rfind("Customers/", 0) == 0) accounts.push_back(path);
  expect_same_answers(warm, cold, accounts, "after load");

  auto both = [&](auto&& f) {
    f(warm);
    f(cold);
  };
  // A new note in the middle of the path order that others link to by name,
  // an edit dropping and adding links and tags, a rename onto a name others
  // use, a removal.
  both([](Engine& e) {
    e.upsert("People/Person 3 Name3.md", "---\ntype: person\ntags: [type/person, team/t9]\n---\nSee [[Account 2]].\n", 99);
  });
  both([&](Engine& e) {
    e.upsert("Customers/Account 1.md",
             "---\ntype: customer\ntags: [type/customer, industry/new]\n---\n## Key Contacts\n\n- [[Person 5 Name5]]\n"
             "- [[People/Former/Person 0 Name0]]\n",
             100);
  });
  both([](Engine& e) { e.rename("People/Person 4 Name4.md", "People/Renamed Person.md"); });
  both([](Engine& e) { e.remove("People/Person 1 Name1.md"); });
  both([](Engine& e) { e.rename("Customers/Account 3.md", "Customers/Sub/Account 3.md"); });
  accounts.erase(std::remove(accounts.begin(), accounts.end(), "Customers/Account 3.md"), accounts.end());
  accounts.push_back("Customers/Sub/Account 3.md");
  expect_same_answers(warm, cold, accounts, "after edits");
}

namespace {

// Feeds `bytes` to a fresh engine through a snapshot::Loader, cut at `cuts`
// (offsets in increasing order), and returns loadSnapshot's reply.
std::string load_in_pieces(Engine& engine, std::string_view bytes, const std::vector<size_t>& cuts) {
  vaultcrm::snapshot::Loader loader;
  size_t from = 0;
  for (size_t cut : cuts) {
    loader.feed(bytes.substr(from, cut - from));
    from = cut;
  }
  loader.feed(bytes.substr(from));
  return engine.loadSnapshot(loader);
}

std::vector<size_t> every(size_t step, size_t size) {
  std::vector<size_t> cuts;
  for (size_t at = step; at < size; at += step) cuts.push_back(at);
  return cuts;
}

}  // namespace

// The wasm wrapper feeds a snapshot in pieces of 1 MiB, so a note's record,
// a string it refers back to, a varint or a checksum word can be cut
// anywhere; the engine must load what the whole snapshot loads.
TEST(Snapshot, FedInPiecesLoadsWhatTheWholeLoads) {
  Engine fresh;
  load_corpus(fresh);
  const std::string bytes = fresh.saveSnapshot();
  Engine whole;
  const std::string reply = whole.loadSnapshot(bytes);
  ASSERT_EQ(error_code(reply), "");
  for (size_t step : {1, 2, 7, 64, 1000, 4096}) {
    Engine pieces;
    EXPECT_EQ(load_in_pieces(pieces, bytes, every(step, bytes.size())), reply) << step;
    EXPECT_EQ(reply_value(pieces.indexJson()), reply_value(whole.indexJson())) << step;
    EXPECT_EQ(reply_value(pieces.panel("Customers/Microsoft.md")), reply_value(fresh.panel("Customers/Microsoft.md")))
        << step;
  }
}

// Two pieces, cut at every byte of a small snapshot: the header, the count,
// each record's length and body, and back-references into earlier records.
TEST(Snapshot, OneCutAnywhereLoadsTheSame) {
  Engine fresh;
  fresh.upsert("A.md", "---\ntags: [x, y]\naliases: [Alpha]\n---\n# A\n- [ ] call [[B]] 📅 2026-01-05 #x\n", 1);
  fresh.upsert("B.md", "---\ntags: [x]\n---\n# B\n- [[A]] and [[A|Alpha]] #y\n| K | V |\n|---|---|\n| [[A]] | 1 |\n", 2);
  fresh.upsert("C/D.md", "", 3);
  const std::string bytes = fresh.saveSnapshot();
  Engine whole;
  const std::string reply = whole.loadSnapshot(bytes);
  ASSERT_EQ(error_code(reply), "");
  const std::string index = reply_value(whole.indexJson());
  for (size_t cut = 0; cut <= bytes.size(); ++cut) {
    Engine pieces;
    ASSERT_EQ(load_in_pieces(pieces, bytes, {cut}), reply) << cut;
    ASSERT_EQ(reply_value(pieces.indexJson()), index) << cut;
  }
}

// In pieces as whole: a damaged snapshot is refused and changes nothing, a
// truncated one too, and a foreign one is refused as soon as its header is in.
TEST(Snapshot, DamagedSnapshotsFedInPiecesAreRefused) {
  Engine fresh;
  load_corpus(fresh);
  const std::string bytes = fresh.saveSnapshot();
  Engine host;
  host.upsert("Keep.md", "# still here\n", 1);
  for (size_t at = 0; at < bytes.size(); at += 1009) {
    std::string damaged = bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x10);
    auto r = nlohmann::json::parse(load_in_pieces(host, damaged, every(13, damaged.size())));
    EXPECT_EQ(r["error"]["code"], "snapshot_invalid") << at;
    // The same reason as the whole snapshot gives.
    EXPECT_EQ(r, nlohmann::json::parse(host.loadSnapshot(damaged))) << at;
  }
  for (size_t cut = 0; cut < bytes.size(); cut += 997)
    EXPECT_EQ(error_code(load_in_pieces(host, std::string_view(bytes).substr(0, cut), every(64, cut))),
              "snapshot_invalid")
        << cut;
  EXPECT_EQ(host.impl().vault.size(), 1u);
  EXPECT_NE(host.impl().vault.find("Keep.md"), nullptr);

  vaultcrm::snapshot::Loader foreign;
  EXPECT_TRUE(foreign.feed("VCRMSNAP"));
  EXPECT_FALSE(foreign.feed(std::string(24, '\xff')));  // format and parser 0xffffffff
  EXPECT_FALSE(foreign.feed(bytes));
  std::string error;
  EXPECT_FALSE(foreign.finish(host.impl().vault, nullptr, error));
  EXPECT_NE(error.find("format"), std::string::npos) << error;
}
