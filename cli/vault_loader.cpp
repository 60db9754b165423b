#include "vault_loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include "engine/engine_impl.h"

namespace fs = std::filesystem;

namespace vaultcrm::cli {

LoadResult load_vault(Engine& engine, const std::string& root, bool progress) {
  LoadResult result;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    result.error = "not a readable folder: " + root;
    return result;
  }
  std::vector<fs::path> files;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) {
    result.error = "cannot read " + root + ": " + ec.message();
    return result;
  }
  for (; it != end; it.increment(ec)) {
    if (ec) break;
    const auto& p = it->path();
    std::string name = p.filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && p.extension() == ".md") files.push_back(p);
  }
  std::sort(files.begin(), files.end());
  auto& vault = engine.impl().vault;
  size_t i = 0;
  for (const auto& p : files) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    std::string rel = fs::relative(p, root).generic_string();
    auto mtime = fs::last_write_time(p, ec);
    // Milliseconds, as Obsidian's TFile.stat.mtime (the file clock's epoch
    // is the Unix epoch with GCC's libstdc++).
    double millis = ec ? 0.0 : std::chrono::duration<double, std::milli>(mtime.time_since_epoch()).count();
    vault.upsert(rel, text, millis);
    result.bytes += text.size();
    ++i;
    if (progress && files.size() >= 2000 && i % 1000 == 0)
      std::cerr << "indexed " << i << " / " << files.size() << " notes\r" << std::flush;
  }
  if (progress && files.size() >= 2000) std::cerr << "indexed " << files.size() << " notes   \n";
  engine.impl().mark_graph_stale();
  result.notes = files.size();
  result.ok = true;
  return result;
}

}  // namespace vaultcrm::cli
