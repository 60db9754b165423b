// Engine::dedup - duplicate contacts and entries (docs/json-api.md "DedupReport").
#include "../dedup/dedup_json.h"
#include "engine_impl.h"
#include "serialize.h"
#include "vaultcrm/dedup.h"

namespace vaultcrm {

std::string Engine::dedup(std::string_view options_json) const {
  return json::guarded([&] {
    nlohmann::json opts = nlohmann::json::object();
    if (!options_json.empty()) {
      opts = nlohmann::json::parse(options_json.begin(), options_json.end());
      if (!opts.is_object()) return json::error("bad_request", "dedup options must be a JSON object");
    }
    // Defaults follow the vault schema (setSchema); the options JSON may override.
    dedup::Options o = dedup::options_from_json(opts, dedup::options_from_schema(impl_->schema));
    dedup::Report report = dedup::run(impl_->vault, o);
    // Written straight to JSON (no nlohmann tree); the same bytes as
    // json::ok(dedup::report_to_json(report)).
    return "{\"ok\":true,\"value\":" + dedup::report_json(report) + "}";
  });
}

}  // namespace vaultcrm
