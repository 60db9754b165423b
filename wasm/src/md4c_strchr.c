/* wasm/src/md4c_strchr.c - the strchr md4c calls in the wasm build.
 *
 * md4c asks "is this character one of these few?" with strchr on a short
 * palette ("*_~", "[]!", ...), once per mark per inline pass: thousands of
 * times in a note with a big table. musl's strchr first aligns and then
 * reads a word at a time, which for a palette of a few bytes is mostly
 * setup: it was 4.5% of a new 1 MB wide table's wasm profile. A plain loop
 * is all such a palette needs. scripts/build-wasm-deps.sh compiles md4c
 * with -Dstrchr=vaultcrm_md4c_strchr, so only md4c's calls come here; the
 * native build links Debian's md4c and glibc as they are.
 * (bench/wasm-instructions.sh: 1k load 520.4M -> 513.9M JIT instructions,
 * two new wide tables 1064.8M -> 1007.0M.) */
#include <stddef.h>

char* vaultcrm_md4c_strchr(const char* s, int c);

char* vaultcrm_md4c_strchr(const char* s, int c) {
  const char wanted = (char)c;
  for (;; ++s) {
    if (*s == wanted) return (char*)s; /* the terminator too when c is 0, as strchr */
    if (*s == '\0') return NULL;
  }
}
