// Engine's warm-start calls (vaultcrm/snapshot.h).
#include "engine_impl.h"
#include "json/writer.h"
#include "serialize.h"
#include "vaultcrm/snapshot.h"

namespace vaultcrm {

std::string Engine::saveSnapshot() const { return snapshot::save(impl_->vault); }

std::string Engine::loadSnapshot(std::string_view bytes) {
  snapshot::Loader loader;
  loader.feed(bytes);
  return loadSnapshot(loader);
}

std::string Engine::loadSnapshot(snapshot::Loader& fed) {
  return json::guarded([&] {
    std::vector<snapshot::FileStamp> stamps;
    std::string error;
    if (!fed.finish(impl_->vault, &stamps, error)) return json::error("snapshot_invalid", error);
    impl_->mark_graph_stale();
    // Written straight to the string, keys in nlohmann's (sorted) order: as
    // a tree, the stamps of a 10k-note vault were a std::map per file, built
    // and dumped on the warm start's path.
    std::string out = "{\"ok\":true,\"value\":";
    json::Writer w(out);
    w.begin_object();
    w.key("files");
    w.begin_array();
    for (const auto& s : stamps) {
      w.begin_object();
      w.key("mtime");
      w.value(s.mtime);
      w.key("path");
      w.value(s.path);
      w.key("size");
      w.value(static_cast<int64_t>(s.size));
      w.end_object();
    }
    w.end_array();
    w.key("notes");
    w.value(stamps.size());
    w.end_object();
    out += "}";
    return out;
  });
}

std::string Engine::attachText(std::string_view path, std::string_view text) {
  return json::guarded([&] {
    if (!impl_->vault.find(path)) return json::error("not_found", "no note " + std::string(path));
    if (impl_->vault.attach_text(path, text)) return json::ok({{"attached", true}});
    if (auto held = impl_->vault.text(path); held && *held == text) return json::ok({{"attached", true}});
    // The file changed since it was indexed: index what is there now, so the
    // engine holds exactly these bytes afterwards.
    double mtime = impl_->vault.find(path)->mtime;
    impl_->vault.upsert(path, text, mtime);
    impl_->graph_upsert(path);
    return json::ok({{"attached", false}, {"reindexed", true}});
  });
}

std::string Engine::missingTexts() const {
  return json::guarded([&] { return json::ok({{"paths", impl_->vault.without_text()}}); });
}

}  // namespace vaultcrm
