// Engine::query - DQL and Tasks queries (core/src/query), as a JSON envelope.
//
// `format` is "", "dql" or "tasks", or a JSON object with more options:
//   {"format":"tasks","now":"2026-01-15","taskFormat":"emoji"|"dataview"|"both",
//    "page":{"offset":200,"size":100}}
// ("now" makes date(today) and Tasks' relative dates deterministic; "page"
// answers only those rows, or tasks, of the answer, with "total" counting all).
// A bad query is {"ok":false,"error":{"code":"query_syntax"|"query_eval",
// "message":"expected a field after SORT at 3:6","line":3,"column":6}}.
#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "engine_impl.h"
#include "kept_answers.h"
#include "vaultcrm/view_map.h"
#include "serialize.h"
#include "vaultcrm/query.h"

namespace vaultcrm {

namespace {

// Engine::query's origin and format as query::Options; "" when they are
// good, else the error envelope to answer.
std::string read_options(std::string_view origin_path, std::string_view format, query::Options& opt) {
  opt.origin_path = std::string(origin_path);
  std::string fmt(format);
  if (!fmt.empty() && fmt.front() == '{') {
    auto j = nlohmann::json::parse(fmt, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return json::error("bad_request", "format options must be a JSON object");
    fmt = j.value("format", std::string());
    opt.now = j.value("now", std::string());
    std::string tf = j.value("taskFormat", std::string("both"));
    if (tf == "emoji") opt.task_format = query::TaskFormat::Emoji;
    else if (tf == "dataview") opt.task_format = query::TaskFormat::Dataview;
    else if (tf != "both") return json::error("bad_request", "taskFormat must be \"emoji\", \"dataview\" or \"both\"");
    if (j.contains("page")) {
      const auto& page = j["page"];
      auto count = [&](const char* key, size_t& to) {
        if (!page.contains(key)) return true;
        const auto& v = page[key];
        if (!v.is_number_unsigned()) return false;
        to = v.get<size_t>();
        return true;
      };
      if (!page.is_object() || !count("offset", opt.page_offset) || !count("size", opt.page_size))
        return json::error("bad_request", "page must be {\"offset\": n, \"size\": n} with whole numbers >= 0");
    }
  }
  if (fmt == "dql") opt.language = query::Language::Dql;
  else if (fmt == "tasks") opt.language = query::Language::Tasks;
  else if (!fmt.empty() && fmt != "detect")
    return json::error("bad_request", "format must be \"dql\", \"tasks\" or \"\" (detect), got \"" + fmt + "\"");
  return {};
}

std::string query_key(std::string_view source, std::string_view origin_path, std::string_view format) {
  std::string key;
  key.reserve(source.size() + origin_path.size() + format.size() + 2);
  key.append(source).append(1, '\0').append(origin_path).append(1, '\0').append(format);
  return key;
}

}  // namespace

Engine::Impl::CachedQuery* Engine::Impl::current_query(std::string_view source, std::string_view origin_path,
                                                        std::string_view format, std::string key, bool with_json) const {
  return keep_current(
      queries, kCachedQueries, last_query_version, with_json, [&](const CachedQuery& c) { return c.key == key; },
      [&](CachedQuery& c) {
        if (c.read.changed(vault)) return false;
        c.read.vault_generation = vault.generation();  // as current_panel's
        return true;
      },
      [&](CachedQuery& fresh) {
        query::Options opt;
        (void)read_options(origin_path, format, opt);  // good: the caller read them
        opt.graph = &graph();
        opt.entity_cache = &entity_cache;
        opt.query_cache = &query_cache;
        opt.reads = &fresh.read;
        fresh.json = query::to_json(query::run(vault, source, opt));
        fresh.key = std::move(key);
        return true;
      });
}

namespace {

// The key of a query's answer, once its options are found good: an answer
// kept under the key was built from the same arguments, so they are. A
// block's check after an edit used to parse its JSON options every time (a
// sixth of a dashboard's checks).
std::string checked_key(const Engine::Impl& impl, std::string_view source, std::string_view origin_path,
                        std::string_view format, std::string& bad) {
  std::string key = query_key(source, origin_path, format);
  if (!impl.keeps_query(key)) {
    query::Options opt;
    bad = read_options(origin_path, format, opt);
  }
  return key;
}

}  // namespace

std::string Engine::query(std::string_view source, std::string_view origin_path, std::string_view format) const {
  return json::guarded([&] {
    std::string bad, key = checked_key(*impl_, source, origin_path, format, bad);
    if (!bad.empty()) return bad;
    Impl::CachedQuery* q = impl_->current_query(source, origin_path, format, std::move(key), true);
    // Handed over, as Engine::panel does: a query block asks for the answer
    // once per version.
    return std::exchange(q->json, std::string());
  });
}

std::string Engine::queryVersion(std::string_view source, std::string_view origin_path, std::string_view format) const {
  return json::guarded([&] {
    std::string bad, key = checked_key(*impl_, source, origin_path, format, bad);
    if (!bad.empty()) return bad;
    const Impl::CachedQuery* q = impl_->current_query(source, origin_path, format, std::move(key), false);
    // Written out: a JSON tree for one number was a tenth of a block's check.
    return "{\"ok\":true,\"value\":{\"version\":" + std::to_string(q->version) + "}}";
  });
}

}  // namespace vaultcrm
