// DQL lexer and recursive-descent parser. Every error names what was expected
// and where ("expected a field after SORT at 3:6"); positions are 1-based
// lines and code-point columns, like the rest of the core.
#include <cstring>
#include <string>

#include "query/ast.h"

namespace vaultcrm::query {

namespace {

struct Tok {
  enum class K { End, Ident, Number, String, Link, Tag, Punct };
  K k = K::End;
  std::string text;  // identifier, decoded string, link inner text, tag, punctuation
  double num = 0;
  bool embed = false;
  Pos pos;
  size_t begin = 0, end = 0;  // byte offsets in the source
  Pos end_pos;                // position just after the token
};

bool is_ident_start(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80; }
bool is_ident_char(unsigned char c) { return is_ident_start(c) || (c >= '0' && c <= '9') || c == '-'; }

std::string lower_ascii(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return s;
}

class Lexer {
 public:
  explicit Lexer(std::string_view src) : s_(src) {}

  Tok next() {
    skip_space();
    Tok t;
    t.pos = pos();
    t.begin = i_;
    if (i_ >= s_.size()) {
      t.k = Tok::K::End;
      t.end = i_;
      t.end_pos = t.pos;
      return t;
    }
    unsigned char c = static_cast<unsigned char>(s_[i_]);
    if (c == '"') {
      t.k = Tok::K::String;
      advance();
      bool closed = false;
      while (i_ < s_.size()) {
        char d = s_[i_];
        if (d == '"') { advance(); closed = true; break; }
        if (d == '\n') break;
        // Dataview keeps backslashes (so "\d+" is a regex digit class); only \" is an escape.
        if (d == '\\' && i_ + 1 < s_.size() && s_[i_ + 1] == '"') {
          advance();
          advance();
          t.text += '"';
          continue;
        }
        t.text += d;
        advance();
      }
      if (!closed) fail("query_syntax", "unterminated string: expected a closing '\"'", t.pos);
    } else if ((c == '[' && peek(1) == '[') || (c == '!' && peek(1) == '[' && peek(2) == '[')) {
      t.k = Tok::K::Link;
      if (c == '!') { t.embed = true; advance(); }
      advance();
      advance();
      size_t close = s_.find("]]", i_);
      size_t nl = s_.find('\n', i_);
      if (close == std::string_view::npos || (nl != std::string_view::npos && nl < close))
        fail("query_syntax", "unterminated link: expected ']]'", t.pos);
      while (i_ < close) advance();
      t.text = std::string(s_.substr(t.begin + (t.embed ? 3 : 2), close - t.begin - (t.embed ? 3 : 2)));
      advance();
      advance();
    } else if (c == '#' && i_ + 1 < s_.size() && is_tag_char(static_cast<unsigned char>(s_[i_ + 1]))) {
      t.k = Tok::K::Tag;
      advance();
      while (i_ < s_.size() && is_tag_char(static_cast<unsigned char>(s_[i_]))) t.text += s_[i_], advance();
    } else if (c >= '0' && c <= '9') {
      t.k = Tok::K::Number;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') advance();
      if (i_ + 1 < s_.size() && s_[i_] == '.' && s_[i_ + 1] >= '0' && s_[i_ + 1] <= '9') {
        advance();
        while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') advance();
      }
      t.text = std::string(s_.substr(t.begin, i_ - t.begin));
      t.num = std::strtod(t.text.c_str(), nullptr);
    } else if (is_ident_start(c)) {
      t.k = Tok::K::Ident;
      while (i_ < s_.size() && is_ident_char(static_cast<unsigned char>(s_[i_]))) advance();
      t.text = std::string(s_.substr(t.begin, i_ - t.begin));
    } else {
      t.k = Tok::K::Punct;
      static const char* kTwo[] = {"!=", "<=", ">=", "=>", "==", "&&", "||"};
      for (const char* two : kTwo)
        if (s_.substr(i_, 2) == two) {
          t.text = two;
          advance();
          advance();
          break;
        }
      if (t.text.empty()) {
        if (!std::strchr("()[]{},.:+-*/%=<>!&|", static_cast<char>(c)))
          fail("query_syntax", std::string("unexpected character '") + static_cast<char>(c) + "'", t.pos);
        t.text = std::string(1, static_cast<char>(c));
        advance();
      }
    }
    t.end = i_;
    t.end_pos = pos();
    return t;
  }

  size_t offset() const { return i_; }
  void reset(size_t off, Pos p) { i_ = off; line_ = p.line; col_ = p.column; }
  std::string_view source() const { return s_; }
  Pos pos() const { return Pos{line_, col_}; }

  [[noreturn]] static void fail(const char* code, const std::string& what, Pos p) {
    throw QueryFailure{code, what + " at " + std::to_string(p.line) + ":" + std::to_string(p.column), p};
  }

 private:
  static bool is_tag_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '/' || c >= 0x80;
  }
  unsigned char peek(size_t k) const { return i_ + k < s_.size() ? static_cast<unsigned char>(s_[i_ + k]) : 0; }
  void advance() {
    if (s_[i_] == '\n') {
      ++line_;
      col_ = 1;
    } else if ((static_cast<unsigned char>(s_[i_]) & 0xC0) != 0x80) {
      // count code points: continuation bytes do not advance the column
      ++col_;
    }
    ++i_;
    // fix: a multi-byte char counted once at its lead byte; continuation bytes skipped above
  }
  void skip_space() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        advance();
      } else if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '/') {
        while (i_ < s_.size() && s_[i_] != '\n') advance();
      } else {
        break;
      }
    }
  }

  std::string_view s_;
  size_t i_ = 0;
  int line_ = 1, col_ = 1;
};

const char* const kClauseWords[] = {"from", "where", "sort", "group", "flatten", "limit"};

// A clause keyword, unless written as a call ("sort(list)" is the function).
bool is_clause_word(const Tok& t, std::string_view src) {
  if (t.k != Tok::K::Ident) return false;
  if (t.end < src.size() && src[t.end] == '(') return false;
  std::string l = lower_ascii(t.text);
  for (const char* w : kClauseWords)
    if (l == w) return true;
  return false;
}

class Parser {
 public:
  explicit Parser(std::string_view src) : lex_(src) { cur_ = lex_.next(); }

  // Recursive descent: nesting is bounded so that a query like "((((..."
  // from a note is an error, not a stack overflow that takes the editor down.
  static constexpr int kMaxDepth = 200;
  struct DepthGuard {
    Parser& p;
    DepthGuard(Parser& parser, Pos at) : p(parser) {
      if (++p.depth_ > kMaxDepth)
        Lexer::fail("query_syntax", "the query nests deeper than " + std::to_string(kMaxDepth) + " levels", at);
    }
    ~DepthGuard() { --p.depth_; }
  };
  int depth_ = 0;

  DqlQuery parse() {
    DqlQuery q;
    if (cur_.k != Tok::K::Ident) fail_expected("a query type (TABLE, LIST or TASK)");
    std::string type = lower_ascii(cur_.text);
    if (type == "table") q.type = DqlQuery::Type::Table;
    else if (type == "list") q.type = DqlQuery::Type::List;
    else if (type == "task") q.type = DqlQuery::Type::Task;
    else if (type == "calendar")
      Lexer::fail("query_syntax", "CALENDAR queries are not supported (use TABLE, LIST or TASK)", cur_.pos);
    else fail_expected("a query type (TABLE, LIST or TASK)");
    shift();
    if (q.type != DqlQuery::Type::Task && is_word("without")) {
      shift();
      if (!is_word("id")) fail_expected("ID");
      shift();
      q.without_id = true;
    }
    if (q.type == DqlQuery::Type::Table) {
      if (cur_.k != Tok::K::End && !is_clause_word(cur_, lex_.source())) {
        for (;;) {
          Column c;
          c.e = expression();
          c.name = c.e->text;
          if (is_word("as")) {
            shift();
            c.name = name_after("AS", "a column name");
          }
          q.columns.push_back(std::move(c));
          if (is_punct(",")) {
            shift();
            continue;
          }
          break;
        }
      }
    } else if (q.type == DqlQuery::Type::List) {
      if (cur_.k != Tok::K::End && !is_clause_word(cur_, lex_.source())) {
        Column c;
        c.e = expression();
        c.name = c.e->text;
        if (is_word("as")) {
          shift();
          c.name = name_after("AS", "a name");
        }
        q.columns.push_back(std::move(c));
      }
    }
    bool first_clause = true;
    while (cur_.k != Tok::K::End) {
      if (!is_clause_word(cur_, lex_.source())) {
        if (first_clause && q.type == DqlQuery::Type::Table && !q.columns.empty())
          fail_expected("',' or a clause (FROM, WHERE, SORT, GROUP BY, FLATTEN, LIMIT)");
        fail_expected("a clause (FROM, WHERE, SORT, GROUP BY, FLATTEN, LIMIT)");
      }
      std::string w = lower_ascii(cur_.text);
      Tok kw = cur_;
      std::string kw_text = upper(cur_.text);
      shift();
      if (w == "from") {
        if (q.from) Lexer::fail("query_syntax", "FROM may appear only once", kw.pos);
        if (!first_clause) Lexer::fail("query_syntax", "FROM must come right after the query type", kw.pos);
        if (cur_.k == Tok::K::End || is_clause_word(cur_, lex_.source())) fail_expected_after("a source", "FROM");
        q.from = source_or();
      } else if (w == "where") {
        Step s;
        s.k = Step::K::Where;
        s.pos = kw.pos;
        s.e = expression_after("WHERE", "an expression");
        q.steps.push_back(std::move(s));
      } else if (w == "sort") {
        Step s;
        s.k = Step::K::Sort;
        s.pos = kw.pos;
        for (;;) {
          SortKey k;
          k.e = expression_after(s.sorts.empty() ? "SORT" : "','", "a field");
          if (cur_.k == Tok::K::Ident) {
            std::string d = lower_ascii(cur_.text);
            if (d == "asc" || d == "ascending") shift();
            else if (d == "desc" || d == "descending") k.desc = true, shift();
          }
          s.sorts.push_back(std::move(k));
          if (is_punct(",")) {
            shift();
            continue;
          }
          break;
        }
        q.steps.push_back(std::move(s));
      } else if (w == "group") {
        if (!is_word("by")) fail_expected_after("BY", "GROUP");
        shift();
        Step s;
        s.k = Step::K::Group;
        s.pos = kw.pos;
        s.e = expression_after("GROUP BY", "a field");
        s.name = s.e->text;
        if (is_word("as")) {
          shift();
          s.name = name_after("AS", "a name");
          s.named = true;
        }
        q.steps.push_back(std::move(s));
      } else if (w == "flatten") {
        Step s;
        s.k = Step::K::Flatten;
        s.pos = kw.pos;
        s.e = expression_after("FLATTEN", "a field");
        s.name = s.e->text;
        if (is_word("as")) {
          shift();
          s.name = name_after("AS", "a name");
          s.named = true;
        }
        q.steps.push_back(std::move(s));
      } else if (w == "limit") {
        Step s;
        s.k = Step::K::Limit;
        s.pos = kw.pos;
        if (cur_.k != Tok::K::Number) fail_expected_after("a number", "LIMIT");
        s.limit = static_cast<long long>(cur_.num);
        shift();
        q.steps.push_back(std::move(s));
      }
      first_clause = false;
      (void)kw_text;
    }
    return q;
  }

 private:
  // ---- token helpers ----
  void shift() {
    prev_ = cur_;
    cur_ = lex_.next();
  }
  bool is_word(const char* w) const { return cur_.k == Tok::K::Ident && lower_ascii(cur_.text) == w; }
  bool is_punct(const char* p) const { return cur_.k == Tok::K::Punct && cur_.text == p; }
  static std::string upper(std::string s) {
    for (auto& c : s)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    return s;
  }
  std::string describe_prev() const {
    if (prev_.k == Tok::K::Ident) {
      if (is_clause_word(prev_, lex_.source()) || lower_ascii(prev_.text) == "by" || lower_ascii(prev_.text) == "as") return upper(prev_.text);
      return "'" + prev_.text + "'";
    }
    if (prev_.k == Tok::K::Punct) return "'" + prev_.text + "'";
    return "'" + std::string(lex_.source().substr(prev_.begin, prev_.end - prev_.begin)) + "'";
  }
  Pos error_pos() const {
    // At the end of the text, point just after the last token.
    if (cur_.k == Tok::K::End) return prev_.end_pos;
    return cur_.pos;
  }
  [[noreturn]] void fail_expected(const std::string& what) const {
    if (prev_.end > 0 || prev_.k != Tok::K::End)
      Lexer::fail("query_syntax", "expected " + what + " after " + describe_prev(), error_pos());
    Lexer::fail("query_syntax", "expected " + what, error_pos());
  }
  [[noreturn]] void fail_expected_after(const std::string& what, const std::string& after) const {
    Lexer::fail("query_syntax", "expected " + what + " after " + after, error_pos());
  }
  std::string token_text(const Tok& t) const { return std::string(lex_.source().substr(t.begin, t.end - t.begin)); }

  std::string name_after(const char* after, const char* what) {
    if (cur_.k == Tok::K::String || cur_.k == Tok::K::Ident) {
      std::string n = cur_.text;
      shift();
      return n;
    }
    fail_expected_after(what, after);
  }

  std::unique_ptr<Expr> expression_after(const std::string& after, const std::string& what) {
    if (cur_.k == Tok::K::End || is_clause_word(cur_, lex_.source()) || (cur_.k == Tok::K::Punct && !starts_expression()))
      fail_expected_after(what, after);
    return expression();
  }
  bool starts_expression() const {
    return is_punct("(") || is_punct("[") || is_punct("{") || is_punct("-") || is_punct("!");
  }

  // ---- sources ----
  std::unique_ptr<Source> source_or() {
    auto left = source_and();
    while (is_word("or")) {
      Pos p = cur_.pos;
      shift();
      auto s = std::make_unique<Source>();
      s->k = Source::K::Or;
      s->pos = p;
      s->a = std::move(left);
      s->b = source_and();
      left = std::move(s);
    }
    return left;
  }
  std::unique_ptr<Source> source_and() {
    auto left = source_unary();
    while (is_word("and")) {
      Pos p = cur_.pos;
      shift();
      auto s = std::make_unique<Source>();
      s->k = Source::K::And;
      s->pos = p;
      s->a = std::move(left);
      s->b = source_unary();
      left = std::move(s);
    }
    return left;
  }
  std::unique_ptr<Source> source_unary() {
    DepthGuard guard(*this, cur_.pos);
    if (is_punct("-") || is_punct("!")) {
      Pos p = cur_.pos;
      shift();
      auto s = std::make_unique<Source>();
      s->k = Source::K::Not;
      s->pos = p;
      s->a = source_unary();
      return s;
    }
    return source_atom();
  }
  std::unique_ptr<Source> source_atom() {
    auto s = std::make_unique<Source>();
    s->pos = cur_.pos;
    switch (cur_.k) {
      case Tok::K::Tag: s->k = Source::K::Tag; s->text = cur_.text; shift(); return s;
      case Tok::K::String: s->k = Source::K::Folder; s->text = cur_.text; shift(); return s;
      case Tok::K::Link: s->k = Source::K::Incoming; s->text = cur_.text; shift(); return s;
      case Tok::K::Punct:
        if (is_punct("(")) {
          shift();
          auto inner = source_or();
          if (!is_punct(")")) fail_expected("')'");
          shift();
          return inner;
        }
        break;
      case Tok::K::Ident: {
        std::string w = lower_ascii(cur_.text);
        if (w == "outgoing") {
          shift();
          if (!is_punct("(")) fail_expected("'('");
          shift();
          if (cur_.k != Tok::K::Link) fail_expected("a link such as [[Note]]");
          s->k = Source::K::Outgoing;
          s->text = cur_.text;
          shift();
          if (!is_punct(")")) fail_expected("')'");
          shift();
          return s;
        }
        static const char* kEntities[] = {"people", "accounts", "companies", "projects", "meetings"};
        for (const char* e : kEntities)
          if (w == e) {
            s->k = Source::K::Entity;
            s->text = w;
            shift();
            return s;
          }
        break;
      }
      default: break;
    }
    fail_expected("a source (#tag, \"folder\", [[link]], outgoing([[link]]), people, accounts, companies, projects, meetings)");
  }

  // ---- expressions ----
  std::unique_ptr<Expr> node(Expr::K k, Pos p) {
    auto e = std::make_unique<Expr>();
    e->k = k;
    e->pos = p;
    return e;
  }
  void set_text(Expr& e, size_t begin) {
    e.text = std::string(lex_.source().substr(begin, prev_.end - begin));
  }

  std::unique_ptr<Expr> expression() {
    DepthGuard guard(*this, cur_.pos);
    size_t begin = cur_.begin;
    auto e = bool_expr();
    set_text(*e, begin);
    return e;
  }

  // and / or share one precedence level, left to right (as in Dataview).
  std::unique_ptr<Expr> bool_expr() {
    size_t begin = cur_.begin;
    auto left = compare_expr();
    for (;;) {
      std::string op;
      if (is_word("and") || is_punct("&") || is_punct("&&")) op = "&";
      else if (is_word("or") || is_punct("|") || is_punct("||")) op = "|";
      else break;
      Tok optok = cur_;
      shift();
      auto e = node(Expr::K::Binary, optok.pos);
      e->name = op;
      e->kids.push_back(std::move(left));
      e->kids.push_back(operand_after(optok, [&] { return compare_expr(); }));
      set_text(*e, begin);
      left = std::move(e);
    }
    return left;
  }
  template <class F>
  std::unique_ptr<Expr> operand_after(const Tok& op, F f) {
    if (cur_.k == Tok::K::End || is_clause_word(cur_, lex_.source()) ||
        (cur_.k == Tok::K::Punct && !starts_expression()))
      fail_expected_after("an expression", "'" + token_text(op) + "'");
    return f();
  }
  std::unique_ptr<Expr> compare_expr() {
    size_t begin = cur_.begin;
    auto left = add_expr();
    for (;;) {
      if (!(is_punct("=") || is_punct("==") || is_punct("!=") || is_punct("<") || is_punct("<=") || is_punct(">") ||
            is_punct(">=")))
        break;
      Tok optok = cur_;
      shift();
      auto e = node(Expr::K::Binary, optok.pos);
      e->name = optok.text == "==" ? "=" : optok.text;
      e->kids.push_back(std::move(left));
      e->kids.push_back(operand_after(optok, [&] { return add_expr(); }));
      set_text(*e, begin);
      left = std::move(e);
    }
    return left;
  }
  std::unique_ptr<Expr> add_expr() {
    size_t begin = cur_.begin;
    auto left = mul_expr();
    while (is_punct("+") || is_punct("-")) {
      Tok optok = cur_;
      shift();
      auto e = node(Expr::K::Binary, optok.pos);
      e->name = optok.text;
      e->kids.push_back(std::move(left));
      e->kids.push_back(operand_after(optok, [&] { return mul_expr(); }));
      set_text(*e, begin);
      left = std::move(e);
    }
    return left;
  }
  std::unique_ptr<Expr> mul_expr() {
    size_t begin = cur_.begin;
    auto left = unary_expr();
    while (is_punct("*") || is_punct("/") || is_punct("%")) {
      Tok optok = cur_;
      shift();
      auto e = node(Expr::K::Binary, optok.pos);
      e->name = optok.text;
      e->kids.push_back(std::move(left));
      e->kids.push_back(operand_after(optok, [&] { return unary_expr(); }));
      set_text(*e, begin);
      left = std::move(e);
    }
    return left;
  }
  std::unique_ptr<Expr> unary_expr() {
    DepthGuard guard(*this, cur_.pos);
    size_t begin = cur_.begin;
    if (is_punct("-") || is_punct("!")) {
      Tok optok = cur_;
      shift();
      auto e = node(optok.text == "-" ? Expr::K::Negate : Expr::K::Not, optok.pos);
      e->kids.push_back(operand_after(optok, [&] { return unary_expr(); }));
      set_text(*e, begin);
      return e;
    }
    return postfix_expr();
  }
  std::unique_ptr<Expr> postfix_expr() {
    size_t begin = cur_.begin;
    auto e = primary();
    for (;;) {
      if (is_punct(".")) {
        Pos p = cur_.pos;
        shift();
        if (cur_.k != Tok::K::Ident) fail_expected_after("a field name", "'.'");
        auto m = node(Expr::K::Member, p);
        m->name = cur_.text;
        shift();
        m->kids.push_back(std::move(e));
        set_text(*m, begin);
        e = std::move(m);
      } else if (is_punct("[")) {
        Pos p = cur_.pos;
        shift();
        auto m = node(Expr::K::Index, p);
        m->kids.push_back(std::move(e));
        m->kids.push_back(operand_after(prev_, [&] { return bool_expr(); }));
        if (!is_punct("]")) fail_expected("']'");
        shift();
        set_text(*m, begin);
        e = std::move(m);
      } else if (is_punct("(") && e->k == Expr::K::Ident) {
        e = call(std::move(e), begin);
      } else {
        break;
      }
    }
    return e;
  }

  bool in_scope(const std::string& n) const {
    for (const auto& scope : scopes_)
      for (const auto& p : scope)
        if (p == n) return true;
    return false;
  }

  std::unique_ptr<Expr> call(std::unique_ptr<Expr> callee, size_t begin) {
    auto c = node(Expr::K::Call, callee->pos);
    c->name = callee->name;
    std::string lname = lower_ascii(c->name);
    Tok open = cur_;
    // date(today), date(2026-01-15), dur(3 days): Dataview reads these arguments raw.
    if (lname == "date" || lname == "dur") {
      size_t close = lex_.source().find(')', open.end);
      size_t nl = lex_.source().find('\n', open.end);
      if (close != std::string_view::npos && (nl == std::string_view::npos || close < nl)) {
        std::string raw(lex_.source().substr(open.end, close - open.end));
        while (!raw.empty() && raw.back() == ' ') raw.pop_back();
        size_t lead = 0;
        while (lead < raw.size() && raw[lead] == ' ') ++lead;
        raw = raw.substr(lead);
        bool literal = false;
        auto lit = node(Expr::K::Literal, open.end_pos);
        if (lname == "date") {
          static const char* kKw[] = {"today", "now", "tomorrow", "yesterday", "sow", "eow", "som",
                                      "eom", "soy", "eoy", "sod", "eod"};
          std::string lraw = lower_ascii(raw);
          for (const char* k : kKw)
            if (lraw == k) {
              lit->k = Expr::K::DateKw;
              lit->name = k;
              literal = true;
            }
          double ms;
          if (!literal && parse_date(raw, ms)) {
            lit->lit = Val::date(ms);
            literal = true;
          }
        } else {
          int32_t months;
          double ms;
          if (!raw.empty() && raw[0] != '"' && parse_duration(raw, months, ms)) {
            lit->lit = Val::duration(months, ms);
            literal = true;
          }
        }
        if (literal) {
          // Skip the raw text and the ')'.
          Pos p = open.end_pos;
          std::string_view src = lex_.source();
          for (size_t i = open.end; i <= close; ++i) {
            if (src[i] == '\n') ++p.line, p.column = 1;
            else if ((static_cast<unsigned char>(src[i]) & 0xC0) != 0x80) ++p.column;
          }
          lex_.reset(close + 1, p);
          prev_ = cur_;
          prev_.begin = close;
          prev_.end = close + 1;
          prev_.end_pos = p;
          prev_.k = Tok::K::Punct;
          prev_.text = ")";
          cur_ = lex_.next();
          if (lit->k == Expr::K::DateKw) return finish_kw(std::move(lit), callee->pos, begin);
          lit->pos = callee->pos;
          set_text(*lit, begin);
          return lit;
        }
      }
    }
    shift();  // '('
    if (!is_punct(")")) {
      for (;;) {
        if (cur_.k == Tok::K::End || (cur_.k == Tok::K::Punct && !starts_expression()))
          fail_expected("an argument or ')'");
        c->kids.push_back(bool_expr());
        if (is_punct(",")) {
          shift();
          continue;
        }
        break;
      }
    }
    if (!is_punct(")")) fail_expected("',' or ')'");
    shift();
    if (in_scope(c->name)) {
      c->fn = -1;
    } else {
      c->fn = builtin_index(lname);
      if (c->fn < 0) Lexer::fail("query_eval", "unknown function '" + c->name + "'", c->pos);
    }
    set_text(*c, begin);
    return c;
  }
  std::unique_ptr<Expr> finish_kw(std::unique_ptr<Expr> kw, Pos p, size_t begin) {
    kw->pos = p;
    set_text(*kw, begin);
    return kw;
  }

  std::unique_ptr<Expr> primary() {
    Pos p = cur_.pos;
    size_t begin = cur_.begin;
    switch (cur_.k) {
      case Tok::K::Number: {
        auto e = node(Expr::K::Literal, p);
        e->lit = Val::number(cur_.num);
        shift();
        set_text(*e, begin);
        return e;
      }
      case Tok::K::String: {
        auto e = node(Expr::K::Literal, p);
        e->lit = Val::string(cur_.text);
        shift();
        set_text(*e, begin);
        return e;
      }
      case Tok::K::Link: {
        auto e = node(Expr::K::LinkLit, p);
        e->name = cur_.text;
        e->lit.b = cur_.embed;
        shift();
        set_text(*e, begin);
        return e;
      }
      case Tok::K::Ident: {
        if (is_clause_word(cur_, lex_.source()) || is_word("and") || is_word("or")) fail_expected("an expression");
        std::string l = lower_ascii(cur_.text);
        auto e = node(Expr::K::Literal, p);
        if (l == "true" || l == "false") e->lit = Val::boolean(l == "true");
        else if (l == "null") e->lit = Val::null();
        else {
          e->k = Expr::K::Ident;
          e->name = cur_.text;
        }
        shift();
        // x => expr (a one-parameter lambda without parentheses)
        if (e->k == Expr::K::Ident && is_punct("=>")) {
          auto lam = node(Expr::K::Lambda, p);
          lam->names.push_back(e->name);
          shift();
          scopes_.push_back(lam->names);
          lam->kids.push_back(operand_after(prev_, [&] { return bool_expr(); }));
          scopes_.pop_back();
          set_text(*lam, begin);
          return lam;
        }
        set_text(*e, begin);
        return e;
      }
      case Tok::K::Punct: {
        if (is_punct("(")) {
          // A lambda "(a, b) => expr", or a parenthesised expression.
          size_t save_off = lex_.offset();
          Pos save_pos = lex_.pos();
          Tok save_cur = cur_, save_prev = prev_;
          shift();
          std::vector<std::string> params;
          bool lambda = false;
          if (is_punct(")")) {
            shift();
            lambda = is_punct("=>");
          } else {
            while (cur_.k == Tok::K::Ident) {
              params.push_back(cur_.text);
              shift();
              if (is_punct(",")) {
                shift();
                continue;
              }
              if (is_punct(")")) {
                shift();
                lambda = is_punct("=>");
              }
              break;
            }
          }
          if (lambda) {
            shift();  // =>
            auto lam = node(Expr::K::Lambda, p);
            lam->names = params;
            scopes_.push_back(params);
            lam->kids.push_back(operand_after(prev_, [&] { return bool_expr(); }));
            scopes_.pop_back();
            set_text(*lam, begin);
            return lam;
          }
          lex_.reset(save_off, save_pos);
          cur_ = save_cur;
          prev_ = save_prev;
          shift();
          auto inner = operand_after(prev_, [&] { return bool_expr(); });
          if (!is_punct(")")) fail_expected("')'");
          shift();
          inner->text = std::string(lex_.source().substr(begin, prev_.end - begin));
          return inner;
        }
        if (is_punct("[")) {
          auto e = node(Expr::K::List, p);
          shift();
          if (!is_punct("]")) {
            for (;;) {
              if (cur_.k == Tok::K::End) fail_expected("']'");
              e->kids.push_back(bool_expr());
              if (is_punct(",")) {
                shift();
                continue;
              }
              break;
            }
          }
          if (!is_punct("]")) fail_expected("',' or ']'");
          shift();
          set_text(*e, begin);
          return e;
        }
        if (is_punct("{")) {
          auto e = node(Expr::K::Object, p);
          shift();
          if (!is_punct("}")) {
            for (;;) {
              if (cur_.k != Tok::K::Ident && cur_.k != Tok::K::String) fail_expected("a key");
              e->names.push_back(cur_.text);
              shift();
              if (!is_punct(":")) fail_expected("':'");
              shift();
              e->kids.push_back(operand_after(prev_, [&] { return bool_expr(); }));
              if (is_punct(",")) {
                shift();
                continue;
              }
              break;
            }
          }
          if (!is_punct("}")) fail_expected("',' or '}'");
          shift();
          set_text(*e, begin);
          return e;
        }
        break;
      }
      default: break;
    }
    fail_expected("an expression");
  }

  Lexer lex_;
  Tok cur_, prev_;
  std::vector<std::vector<std::string>> scopes_;
};

}  // namespace

DqlQuery parse_dql(std::string_view text) {
  Parser p(text);
  return p.parse();
}

}  // namespace vaultcrm::query
