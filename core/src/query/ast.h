// core/src/query/ast.h (internal) - the parsed form of a DQL query.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "query/value.h"

namespace vaultcrm::query {

struct CachedField;
struct CachedTagHits;

struct Pos {
  int line = 1;
  int column = 1;
};

// Errors the user caused; thrown inside core/src/query only and turned into
// query::Error values by run() (nothing escapes the layer).
struct QueryFailure {
  std::string code;  // "query_syntax" | "query_eval"
  std::string message;
  Pos pos;
};

struct Expr {
  enum class K { Literal, Ident, Member, Index, Call, Lambda, Binary, Negate, Not, List, Object, LinkLit, DateKw };
  K k = K::Literal;
  Pos pos;
  std::string name;  // Ident/Member/Call name, Binary operator, LinkLit target, DateKw keyword
  Val lit;
  std::vector<std::unique_ptr<Expr>> kids;  // operands, arguments, list items, object values
  std::vector<std::string> names;           // lambda parameters, object keys
  int fn = -1;                              // builtin function index for Call (-1: a variable)
  std::string text;                         // source text (column headers)
  // Set by bind_cache() (query/exec.h) for a query run with the query cache,
  // so that rows do not look names up: an Ident's page field values, and
  // contains(file.tags | file.etags, "literal")'s answers per page.
  CachedField* cached_field = nullptr;
  CachedTagHits* cached_tag_hits = nullptr;
  int op = -1;  // Binary: the operator's code in eval.cpp (-1: read from `name` per row)
};

struct Source {
  enum class K { All, Tag, Folder, Incoming, Outgoing, Entity, And, Or, Not };
  K k = K::All;
  Pos pos;
  std::string text;  // tag (without '#'), folder, link target, entity kind
  std::unique_ptr<Source> a, b;
};

struct Column {
  std::unique_ptr<Expr> e;
  std::string name;
};

struct SortKey {
  std::unique_ptr<Expr> e;
  bool desc = false;
};

struct Step {
  enum class K { Where, Sort, Group, Flatten, Limit };
  K k = K::Where;
  Pos pos;
  std::unique_ptr<Expr> e;
  std::string name;  // GROUP BY / FLATTEN ... AS name (or the expression text)
  bool named = false;
  std::vector<SortKey> sorts;
  long long limit = 0;
};

struct DqlQuery {
  enum class Type { Table, List, Task };
  Type type = Type::Table;
  bool without_id = false;
  std::vector<Column> columns;  // TABLE columns; LIST: at most one
  std::unique_ptr<Source> from;
  std::vector<Step> steps;
};

// Throws QueryFailure.
DqlQuery parse_dql(std::string_view text);
// Builtin function table (index used by Expr::fn).
int builtin_index(std::string_view name);

}  // namespace vaultcrm::query
