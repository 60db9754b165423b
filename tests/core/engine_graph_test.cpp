// After a bulk load the engine rebuilds its graph once, on first use; every
// change made while it waits (more batches, edits, removals, renames, a new
// schema) must show in the answers exactly as if applied one by one.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/engine_impl.h"
#include "test_util.h"
#include "vaultcrm/engine.h"

namespace fs = std::filesystem;

namespace {

std::vector<nlohmann::json> sample_notes() {
  const fs::path root = vaultcrm::testing::source_path("sample-vault");
  std::vector<nlohmann::json> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file() && e.path().extension() == ".md")
      out.push_back({{"path", fs::relative(e.path(), root).generic_string()},
                     {"text", vaultcrm::testing::read_file(e.path().string())},
                     {"mtime", 1}});
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a["path"] < b["path"]; });
  return out;
}

std::string value(const std::string& envelope) {
  auto j = nlohmann::json::parse(envelope);
  EXPECT_TRUE(j["ok"].get<bool>()) << envelope.substr(0, 300);
  return j["value"].dump();
}

}  // namespace

TEST(EngineGraph, ChangesWhileStaleMatchOneByOne) {
  auto notes = sample_notes();
  ASSERT_GT(notes.size(), 20u);
  const std::string account = "Customers/Microsoft.md";
  const std::string schema = R"({"contactHeadings": ["Key Contacts", "People"]})";
  const std::string edit = "---\ntype: person\ncompany: \"[[Microsoft]]\"\n---\n# Renamed person\n";

  // Bulk: two batches, each large enough to count as a load.
  vaultcrm::Engine bulk;
  nlohmann::json first = nlohmann::json::array(), second = nlohmann::json::array();
  for (size_t i = 0; i < notes.size(); ++i) (i % 2 ? second : first).push_back(notes[i]);
  while (first.size() <= 64) first.push_back({{"path", "Filler/" + std::to_string(first.size()) + ".md"}, {"text", "x"}});
  value(bulk.upsertMany(first.dump()));
  value(bulk.upsertMany(second.dump()));
  // More changes before anyone reads the graph.
  value(bulk.upsert("People/New Person.md", edit, 2));
  value(bulk.rename("People/New Person.md", "People/Moved Person.md"));
  value(bulk.remove(notes[3]["path"].get<std::string>()));
  value(bulk.setSchema(schema));

  // The same, one note at a time with an always-fresh graph.
  vaultcrm::Engine step;
  for (const auto& n : first) value(step.upsert(n["path"].get<std::string>(), n["text"].get<std::string>(), 1));
  for (const auto& n : second) value(step.upsert(n["path"].get<std::string>(), n["text"].get<std::string>(), 1));
  value(step.upsert("People/New Person.md", edit, 2));
  value(step.rename("People/New Person.md", "People/Moved Person.md"));
  value(step.remove(notes[3]["path"].get<std::string>()));
  value(step.setSchema(schema));

  EXPECT_EQ(value(bulk.panel(account)), value(step.panel(account)));
  EXPECT_TRUE(bulk.impl().graph().snapshot(bulk.impl().vault) == step.impl().graph().snapshot(step.impl().vault));
  const char* q = "TABLE file.name FROM #customer SORT file.name ASC";
  EXPECT_EQ(value(bulk.query(q, "x.md", "dql")), value(step.query(q, "x.md", "dql")));
  // An edit after the graph is built goes incremental again.
  value(bulk.upsert(account, "---\ntype: customer\n---\n## Key Contacts\n- [[Moved Person]] - CTO\n", 3));
  value(step.upsert(account, "---\ntype: customer\n---\n## Key Contacts\n- [[Moved Person]] - CTO\n", 3));
  EXPECT_EQ(value(bulk.panel(account)), value(step.panel(account)));
  EXPECT_NE(value(bulk.panel(account)).find("Moved Person"), std::string::npos);
}

// Entity tables are cached between edits: an edit or a new schema must show
// in the next query exactly as in a fresh engine.
TEST(EngineGraph, EntityQueriesFollowEditsAndSchema) {
  const std::string q = "TABLE roles, accounts FROM people WHERE contains(accounts, [[Acme]]) SORT name";
  auto load = [](vaultcrm::Engine& e) {
    e.upsert("Customers/Acme.md", "---\ntype: customer\n---\n## Key Contacts\n- [[Ana Lima]] - CTO\n## People\n- Bo Ek\n", 1);
    e.upsert("People/Ana Lima.md", "---\ntype: person\nrole: CTO\n---\n", 1);
  };
  vaultcrm::Engine cached;
  load(cached);
  std::string before = value(cached.query(q, "x.md", "dql"));
  EXPECT_NE(before.find("Ana Lima"), std::string::npos);
  EXPECT_EQ(before.find("Bo Ek"), std::string::npos);
  EXPECT_EQ(value(cached.query(q, "x.md", "dql")), before);  // served from the cache

  // An edit: a new contact line.
  const std::string edited = "---\ntype: customer\n---\n## Key Contacts\n- [[Ana Lima]] - CTO\n- Cy Dahl - CFO\n## People\n- Bo Ek\n";
  value(cached.upsert("Customers/Acme.md", edited, 2));
  vaultcrm::Engine fresh;
  load(fresh);
  value(fresh.upsert("Customers/Acme.md", edited, 2));
  std::string after = value(cached.query(q, "x.md", "dql"));
  EXPECT_NE(after.find("Cy Dahl"), std::string::npos);
  EXPECT_EQ(after, value(fresh.query(q, "x.md", "dql")));

  // A schema that also reads "People" sections as contacts.
  const std::string schema = R"({"contactHeadings": ["Key Contacts", "People"]})";
  value(cached.setSchema(schema));
  value(fresh.setSchema(schema));
  std::string schemed = value(cached.query(q, "x.md", "dql"));
  EXPECT_NE(schemed.find("Bo Ek"), std::string::npos);
  EXPECT_EQ(schemed, value(fresh.query(q, "x.md", "dql")));
}

// The note-by-note bulk load (what the wasm wrapper uses) answers as
// upsertMany and leaves the same vault and graph; a small batch into a loaded
// vault updates the graph incrementally, as upsertMany does.
TEST(EngineGraph, BatchLoadMatchesUpsertMany) {
  auto notes = sample_notes();
  const std::string account = "Customers/Microsoft.md";
  nlohmann::json all = nlohmann::json::array();
  for (const auto& n : notes) all.push_back(n);

  vaultcrm::Engine by_json, by_batch;
  std::string json_answer = value(by_json.upsertMany(all.dump()));
  by_batch.batchBegin(notes.size());
  for (const auto& n : notes)
    by_batch.batchAdd(n["path"].get<std::string>(), n["text"].get<std::string>(), n["mtime"].get<double>());
  EXPECT_EQ(value(by_batch.batchEnd()), json_answer);
  EXPECT_NE(json_answer.find("\"upserted\":" + std::to_string(notes.size())), std::string::npos) << json_answer;
  EXPECT_EQ(value(by_batch.indexJson()), value(by_json.indexJson()));
  EXPECT_EQ(value(by_batch.panel(account)), value(by_json.panel(account)));

  // A two-note batch after the graph is built: incremental, visible at once.
  const std::string edited = "---\ntype: customer\n---\n## Key Contacts\n- [[Batch Person]] - COO\n";
  by_batch.batchBegin(2);
  by_batch.batchAdd(account, edited, 5);
  by_batch.batchAdd("People/Batch Person.md", "---\ntype: person\n---\n", 5);
  EXPECT_EQ(value(by_batch.batchEnd()), R"({"notesWithErrors":0,"upserted":2})");
  value(by_json.upsertMany(nlohmann::json::array({{{"path", account}, {"text", edited}, {"mtime", 5}},
                                                  {{"path", "People/Batch Person.md"}, {"text", "---\ntype: person\n---\n"}, {"mtime", 5}}})
                               .dump()));
  std::string panel = value(by_batch.panel(account));
  EXPECT_NE(panel.find("Batch Person"), std::string::npos);
  EXPECT_EQ(panel, value(by_json.panel(account)));
  EXPECT_TRUE(by_batch.impl().graph().snapshot(by_batch.impl().vault) ==
              by_json.impl().graph().snapshot(by_json.impl().vault));
}

// Which notes the entity tables list: those the graph types (the schema's
// type keys and values in any ASCII letter case, then type/... tags, then
// any folder component). A `type/people` tag makes a person, as `people` is
// one of the schema's person types; "MEET\u0130NG" with a dotted capital I
// is no meeting to the graph (the tables used to lower it with
// lower_utf8, U+0130 to "i", and list it: not what the panel saw).
TEST(EngineGraph, EntityTablesKnowKindsByTypeTagAndFolder) {
  vaultcrm::Engine e;
  e.upsert("Notes/Ana.md", "---\ntype: PERSON\n---\n", 1);
  e.upsert("Notes/Bo.md", "---\ntags: [Type/Person]\n---\n", 1);
  e.upsert("people/Cy.md", "no frontmatter\n", 1);
  e.upsert("People/Dee.md", "---\ntype: project\n---\n", 1);  // typed: the folder does not count
  e.upsert("Notes/Eve.md", "---\ntype: personal\ntags: [typeperson, type/people]\n---\n", 1);
  e.upsert("Notes/Kick-off.md", "---\ntype: \"MEET\xC4\xB0NG\"\n---\n", 1);
  e.upsert("Meetings/2025/Sync.md", "text\n", 1);
  e.upsert("Notes/Acme.md", "---\ntype: Customer\n---\n", 1);
  e.upsert("Customers/Sub/Beta.md", "#type/ACCOUNT\n", 1);

  auto names = [&](const std::string& q) {
    auto j = nlohmann::json::parse(e.query(q, "x.md", "dql"));
    EXPECT_TRUE(j["ok"].get<bool>()) << j.dump();
    std::vector<std::string> out;
    for (const auto& row : j["value"]["rows"]) out.push_back(row[1].dump());  // [0] is the row's link
    return out;
  };
  auto people = names("TABLE name FROM people SORT name");
  EXPECT_EQ(people, (std::vector<std::string>{"\"Ana\"", "\"Bo\"", "\"Cy\"", "\"Eve\""}));
  EXPECT_EQ(names("TABLE name FROM meetings SORT name"), (std::vector<std::string>{"\"Sync\""}));
  EXPECT_EQ(names("TABLE name FROM accounts SORT name"), (std::vector<std::string>{"\"Acme\"", "\"Beta\""}));
  EXPECT_EQ(names("TABLE name FROM projects SORT name"), (std::vector<std::string>{"\"Dee\""}));
}
