// The graph resolves the same link text once per folder it is written from
// (it memoises lookups during a rebuild and between edits): a link means
// the note the vault resolves from that folder, whatever the same text
// meant in another folder.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vaultcrm/graph.h"
#include "vaultcrm/index.h"

using namespace vaultcrm;
using graph::Rel;

namespace {

// The entities a note mentions, in link order.
std::vector<std::string> mentioned(const graph::Graph& g, const std::string& path) {
  std::vector<std::string> out;
  for (const auto& r : g.relations_in(path))
    if (r.rel == Rel::Mentions) out.emplace_back(r.to);
  return out;
}

index::Vault two_teams() {
  index::Vault v;
  // Two people called Ana, one per team folder; each team's log links
  // [[Ana]], which the vault resolves relative to the log's folder first.
  v.upsert("East/Ana.md", "---\ntype: person\n---\n", 0);
  v.upsert("West/Ana.md", "---\ntype: person\n---\n", 0);
  v.upsert("East/Log.md", "Called [[Ana]] about the renewal.\n", 0);
  v.upsert("West/Log.md", "Called [[Ana]] twice, then [[Ana]] again.\n", 0);
  return v;
}

}  // namespace

TEST(GraphResolution, SameLinkTextNamesTheNoteOfEachFolder) {
  index::Vault v = two_teams();
  ASSERT_EQ(v.resolve("Ana", "West/Log.md").value_or(""), "West/Ana.md");
  graph::Graph g;
  g.rebuild(v);
  EXPECT_EQ(mentioned(g, "East/Log.md"), std::vector<std::string>{"note:East/Ana.md"});
  EXPECT_EQ(mentioned(g, "West/Log.md"), (std::vector<std::string>{"note:West/Ana.md", "note:West/Ana.md"}));
  // Who mentions West's Ana: only West's log.
  std::vector<std::string> from;
  for (const auto& r : g.relations_of("note:West/Ana.md")) from.emplace_back(r.path);
  EXPECT_EQ(from, (std::vector<std::string>{"West/Log.md", "West/Log.md"}));
}

TEST(GraphResolution, EditsKeepResolvingPerFolder) {
  index::Vault v = two_teams();
  graph::Graph g;
  g.rebuild(v);
  // Same-identity edits (the graph keeps its lookups between them), East
  // first so that its lookup of [[Ana]] is the one kept.
  v.upsert("East/Log.md", "Called [[Ana]] about the renewal, and [[Ana]] called back.\n", 1);
  g.on_upsert(v, "East/Log.md");
  v.upsert("West/Log.md", "Met [[Ana]].\n", 1);
  g.on_upsert(v, "West/Log.md");
  EXPECT_EQ(mentioned(g, "East/Log.md"), (std::vector<std::string>{"note:East/Ana.md", "note:East/Ana.md"}));
  EXPECT_EQ(mentioned(g, "West/Log.md"), std::vector<std::string>{"note:West/Ana.md"});
  graph::Graph fresh;
  fresh.rebuild(v);
  EXPECT_EQ(g.snapshot(v), fresh.snapshot(v));
}

// Most targets name one note (or none) and the graph keeps one answer for
// every folder; a second note of that name must end that, from the edit
// that adds it on, and its removal or rename must bring the one answer back.
TEST(GraphResolution, ANameSharedLaterResolvesPerFolderFromThen) {
  index::Vault v;
  v.upsert("East/Ana.md", "---\ntype: person\n---\n", 0);
  v.upsert("East/Log.md", "Called [[Ana]].\n", 0);
  v.upsert("West/Log.md", "Met [[Ana]].\n", 0);
  graph::Graph g;
  g.rebuild(v);
  EXPECT_EQ(mentioned(g, "West/Log.md"), std::vector<std::string>{"note:East/Ana.md"});
  auto step = [&](const std::string& path, const std::string& text) {
    v.upsert(path, text, 1);
    g.on_upsert(v, path);
    graph::Graph fresh;
    fresh.rebuild(v);
    EXPECT_EQ(g.snapshot(v), fresh.snapshot(v)) << "after " << path;
  };
  step("West/Log.md", "Met [[Ana]], then [[Ana]] again.\n");  // a same-identity edit keeps the lookups
  step("West/Ana.md", "---\ntype: person\n---\n");             // now two notes are called Ana
  EXPECT_EQ(mentioned(g, "West/Log.md"), (std::vector<std::string>{"note:West/Ana.md", "note:West/Ana.md"}));
  EXPECT_EQ(mentioned(g, "East/Log.md"), std::vector<std::string>{"note:East/Ana.md"});
  step("West/Log.md", "Met [[Ana]].\n");
  step("East/Log.md", "Called [[Ana]] back.\n");
  EXPECT_EQ(mentioned(g, "West/Log.md"), std::vector<std::string>{"note:West/Ana.md"});
  EXPECT_EQ(mentioned(g, "East/Log.md"), std::vector<std::string>{"note:East/Ana.md"});
  v.rename("West/Ana.md", "West/Ana Ruiz.md");
  g.on_rename(v, "West/Ana.md", "West/Ana Ruiz.md");
  step("West/Log.md", "Met [[Ana]] once more.\n");
  EXPECT_EQ(mentioned(g, "West/Log.md"), std::vector<std::string>{"note:East/Ana.md"});
  v.upsert("West/Ana.md", "---\ntype: person\n---\n", 2);
  g.on_upsert(v, "West/Ana.md");
  v.remove("West/Ana.md");
  g.on_remove(v, "West/Ana.md");
  step("West/Log.md", "Met [[Ana]] at last.\n");
  EXPECT_EQ(mentioned(g, "West/Log.md"), std::vector<std::string>{"note:East/Ana.md"});
}
