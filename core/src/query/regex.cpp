// The only user of PCRE2.
#include "query/regex.h"

#include <pcre2.h>

#include "query/ast.h"

namespace vaultcrm::query {

struct RegexCache::Impl {
  pcre2_match_context* mctx = nullptr;
  std::map<std::pair<std::string, bool>, pcre2_code*> codes;
  pcre2_match_data* md = nullptr;
  ~Impl() {
    for (auto& kv : codes) pcre2_code_free(kv.second);
    if (md) pcre2_match_data_free(md);
    if (mctx) pcre2_match_context_free(mctx);
  }
  pcre2_code* get(std::string_view pattern, bool caseless) {
    auto key = std::make_pair(std::string(pattern), caseless);
    auto it = codes.find(key);
    if (it != codes.end()) return it->second;
    int err = 0;
    PCRE2_SIZE off = 0;
    uint32_t opts = PCRE2_UTF | PCRE2_ALT_BSUX | PCRE2_DOLLAR_ENDONLY | PCRE2_MATCH_UNSET_BACKREF;
    if (caseless) opts |= PCRE2_CASELESS;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), opts, &err, &off, nullptr);
    if (!code) {
      PCRE2_UCHAR buf[256];
      pcre2_get_error_message(err, buf, sizeof buf);
      throw QueryFailure{"query_eval", "invalid regular expression '" + std::string(pattern) + "': " +
                                           reinterpret_cast<const char*>(buf), Pos{0, 0}};
    }
    if (codes.size() > 256) {
      for (auto& kv : codes) pcre2_code_free(kv.second);
      codes.clear();
    }
    codes.emplace(key, code);
    return code;
  }
};

RegexCache::RegexCache(uint32_t match_limit, uint32_t depth_limit) : impl_(std::make_unique<Impl>()) {
  impl_->mctx = pcre2_match_context_create(nullptr);
  pcre2_set_match_limit(impl_->mctx, match_limit);
  pcre2_set_depth_limit(impl_->mctx, depth_limit);
  impl_->md = pcre2_match_data_create(32, nullptr);
}

RegexCache::~RegexCache() = default;

bool RegexCache::search(std::string_view pattern, std::string_view subject, size_t start, RegexMatch& m, bool caseless) {
  pcre2_code* code = impl_->get(pattern, caseless);
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(code, nullptr);
  int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), start, 0, md, impl_->mctx);
  if (rc == PCRE2_ERROR_NOMATCH) {
    pcre2_match_data_free(md);
    return false;
  }
  if (rc < 0) {
    pcre2_match_data_free(md);
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT)
      throw QueryFailure{"query_eval", "regular expression '" + std::string(pattern) +
                                           "' gave up: it exceeded the match limit (a pattern with catastrophic backtracking?)",
                         Pos{0, 0}};
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(rc, buf, sizeof buf);
    throw QueryFailure{"query_eval", std::string("regular expression failed: ") + reinterpret_cast<const char*>(buf), Pos{0, 0}};
  }
  PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
  uint32_t n = pcre2_get_ovector_count(md);
  m.groups.clear();
  for (uint32_t i = 0; i < n; ++i) {
    if (i >= static_cast<uint32_t>(rc) || ov[2 * i] == PCRE2_UNSET) m.groups.emplace_back(-1, -1);
    else m.groups.emplace_back(static_cast<long>(ov[2 * i]), static_cast<long>(ov[2 * i + 1]));
  }
  m.begin = ov[0];
  m.end = ov[1];
  pcre2_match_data_free(md);
  return true;
}

namespace {
size_t next_char(std::string_view s, size_t i) {
  ++i;
  while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  return i;
}
}  // namespace

std::string RegexCache::replace_all(std::string_view subject, std::string_view pattern, std::string_view rep) {
  std::string out;
  size_t pos = 0, last = 0;
  RegexMatch m;
  while (pos <= subject.size() && search(pattern, subject, pos, m)) {
    out.append(subject.substr(last, m.begin - last));
    for (size_t i = 0; i < rep.size(); ++i) {
      if (rep[i] != '$' || i + 1 >= rep.size()) {
        out += rep[i];
        continue;
      }
      char c = rep[i + 1];
      if (c == '$') {
        out += '$';
        ++i;
      } else if (c == '&') {
        out.append(subject.substr(m.begin, m.end - m.begin));
        ++i;
      } else if (c >= '0' && c <= '9') {
        size_t g = static_cast<size_t>(c - '0'), used = 1;
        if (i + 2 < rep.size() && rep[i + 2] >= '0' && rep[i + 2] <= '9') {
          size_t g2 = g * 10 + static_cast<size_t>(rep[i + 2] - '0');
          if (g2 < m.groups.size()) g = g2, used = 2;
        }
        if (g == 0 || g >= m.groups.size()) {
          out += '$';
          continue;
        }
        if (m.groups[g].first >= 0)
          out.append(subject.substr(static_cast<size_t>(m.groups[g].first),
                                    static_cast<size_t>(m.groups[g].second - m.groups[g].first)));
        i += used;
      } else {
        out += '$';
      }
    }
    last = m.end;
    pos = m.end == m.begin ? next_char(subject, m.end) : m.end;
    if (m.end == m.begin && m.end >= subject.size()) break;
  }
  if (last < subject.size()) out.append(subject.substr(last));
  return out;
}

std::vector<std::string> RegexCache::split(std::string_view subject, std::string_view pattern, long limit) {
  std::vector<std::string> out;
  auto push = [&](std::string s) {
    if (limit < 0 || static_cast<long>(out.size()) < limit) out.push_back(std::move(s));
  };
  if (subject.empty()) {
    RegexMatch m;
    if (!search(pattern, subject, 0, m)) push("");
    return out;
  }
  size_t last = 0, pos = 0;
  RegexMatch m;
  while (pos < subject.size() && search(pattern, subject, pos, m)) {
    if (m.end == m.begin) {
      if (m.begin >= subject.size()) break;
      if (m.begin == last) {
        pos = next_char(subject, m.begin);
        if (m.begin == 0) continue;
        if (pos > subject.size()) break;
        continue;
      }
    }
    if (m.begin >= subject.size() && m.end == m.begin) break;
    push(std::string(subject.substr(last, m.begin - last)));
    for (size_t g = 1; g < m.groups.size(); ++g)
      push(m.groups[g].first >= 0 ? std::string(subject.substr(static_cast<size_t>(m.groups[g].first),
                                                              static_cast<size_t>(m.groups[g].second - m.groups[g].first)))
                                  : std::string());
    last = m.end;
    pos = m.end == m.begin ? next_char(subject, m.end) : m.end;
  }
  push(std::string(subject.substr(last)));
  return out;
}

}  // namespace vaultcrm::query
