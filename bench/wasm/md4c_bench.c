// bench/wasm/md4c_bench.c - md4c alone, compiled to wasm: the parser ceiling
// for the wasm build. Same flags as core/src/parse/markdown.cpp, empty
// callbacks. The JS driver copies the corpus into the heap once and times
// md4c_bench_run() around the call, so no string crosses per note.
#include <md4c.h>
#include <stdint.h>

static int noop_block(MD_BLOCKTYPE t, void* d, void* u) { (void)t; (void)d; (void)u; return 0; }
static int noop_span(MD_SPANTYPE t, void* d, void* u) { (void)t; (void)d; (void)u; return 0; }
static int noop_text(MD_TEXTTYPE t, const MD_CHAR* s, MD_SIZE n, void* u) { (void)t; (void)s; (void)n; (void)u; return 0; }

// Parses n documents: doc i is buf[offsets[i] .. offsets[i+1]).
int md4c_bench_run(const char* buf, const uint32_t* offsets, int n) {
  MD_PARSER p = {0};
  p.flags = MD_FLAG_TABLES | MD_FLAG_TASKLISTS | MD_FLAG_WIKILINKS | MD_FLAG_STRIKETHROUGH;
  p.enter_block = noop_block;
  p.leave_block = noop_block;
  p.enter_span = noop_span;
  p.leave_span = noop_span;
  p.text = noop_text;
  int failed = 0;
  for (int i = 0; i < n; i++)
    failed += md_parse(buf + offsets[i], offsets[i + 1] - offsets[i], &p, 0) != 0;
  return failed;
}
