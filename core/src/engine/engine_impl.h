// Engine::Impl (internal): what the engine holds. Native callers (CLI,
// tests) reach the vault through Engine::impl().
#pragma once

#include "vaultcrm/engine.h"
#include "vaultcrm/graph.h"
#include "vaultcrm/index.h"
#include "vaultcrm/panel.h"

namespace vaultcrm {

class Engine::Impl {
 public:
  index::Vault vault;
  graph::Graph graph;  // kept in step with the vault by every Engine mutation
  schema::Schema schema;  // the vault schema; the graph holds the same (setSchema sets both)
};

}  // namespace vaultcrm
