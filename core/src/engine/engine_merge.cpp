// Engine::mergePlan - a merge request in, a plan out (docs/json-api.md "MergePlan").
#include "../merge/merge_json.h"
#include "engine_impl.h"
#include "serialize.h"
#include "vaultcrm/dedup.h"

namespace vaultcrm {

std::string Engine::mergePlan(std::string_view request_json) const {
  try {
    // A note restored from a snapshot has no bytes in memory yet: a plan
    // built on them would read it as empty. Refuse until the host attached
    // every text (Engine::attachText; the plugin does it after start-up).
    if (auto missing = impl_->vault.without_text(); !missing.empty())
      return json::error("texts_missing", std::to_string(missing.size()) +
                                              " notes restored from the index snapshot still wait for their text "
                                              "(attachText), e.g. " + missing.front() +
                                              "; try again once the vault is read");
    auto req = nlohmann::json::parse(request_json.begin(), request_json.end());
    // The vault schema (setSchema) decides which headings hold contacts and
    // entries, exactly as for Engine::dedup: a plan built with other options
    // would not match the clusters and groups the user reviewed.
    merge::Result r =
        merge::plan_from_request(impl_->vault, req, dedup::options_from_schema(impl_->schema));
    if (!r.ok) return json::error(r.error_code, r.error_message);
    nlohmann::json plan = merge::plan_to_json(r.plan);
    plan["schemaVersion"] = kSchemaVersion;
    return json::ok(plan);
  } catch (const nlohmann::json::exception& e) {
    return json::error("bad_request", e.what());
  } catch (const std::exception& e) {
    return json::error("bad_request", e.what());
  } catch (...) {
    return json::error("internal", "unknown error");
  }
}

}  // namespace vaultcrm
