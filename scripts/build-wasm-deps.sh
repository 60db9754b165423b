#!/usr/bin/env bash
# scripts/build-wasm-deps.sh - build the core's third-party libraries for wasm.
#
# Natively the core links Debian's -dev packages. For WebAssembly the same
# libraries must be compiled with Emscripten, so this script fetches Debian's
# own source tarballs (the same upstream versions the native build uses) and
# builds them as static libraries into one prefix:
#
#   .deps/apt/          private apt state (sources list, lists, cache)
#   .deps/src/          downloaded tarballs and unpacked sources
#   .deps/build/<pkg>/  CMake build trees
#   .deps/wasm-prefix/  install prefix, passed to the wasm build as
#                       CMAKE_PREFIX_PATH / CMAKE_FIND_ROOT_PATH
#
# Libraries: yaml-cpp, md4c, utf8proc, pcre2 (8-bit, no JIT), all Release,
# static, without tests or tools, compiled with -O3 -fwasm-exceptions (a C++
# throw inside yaml-cpp must unwind, not abort the module). nlohmann-json is
# header-only: its headers and CMake package from nlohmann-json3-dev are copied
# into the prefix. Pointing the wasm build at /usr/include instead would put
# glibc's headers ahead of Emscripten's sysroot, and emcmake's
# CMAKE_FIND_ROOT_PATH would not find /usr/share/cmake anyway.
#
# Idempotent: each step leaves a stamp (in the prefix, so deleting the prefix
# rebuilds everything) keyed by tarball and flags, and is skipped when its
# stamp matches. Safe to rerun; `rm -rf .deps` starts from scratch.
#
# Usage: scripts/build-wasm-deps.sh        (from anywhere; needs network once)
# Env:   VAULTCRM_DEPS_DIR  override .deps  (default: <repo>/.deps)
#        JOBS               parallel build jobs (default: nproc)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPS=${VAULTCRM_DEPS_DIR:-$ROOT/.deps}
APT_DIR=$DEPS/apt
SRC_DIR=$DEPS/src
BUILD_DIR=$DEPS/build
PREFIX=$DEPS/wasm-prefix
STAMPS=$PREFIX/.stamps
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

# Flags for every library. Changing them changes the stamps, so a rerun
# rebuilds what is affected.
WASM_FLAGS="-O3 -fwasm-exceptions"

log() { printf '[wasm-deps] %s\n' "$*" >&2; }
die() { printf '[wasm-deps] error: %s\n' "$*" >&2; exit 1; }

# Debian's emcc runs its JS tools with the system node, which finds Debian's
# acorn only through NODE_PATH ("Cannot find module 'acorn'" otherwise).
export NODE_PATH=${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs
# Debian's emscripten ships a frozen, prebuilt sysroot cache; pointing
# EM_CACHE elsewhere fails with "FROZEN_CACHE is set, but cache file is missing".
if [[ -n ${EM_CACHE:-} ]]; then
  log "unsetting EM_CACHE (Debian's emscripten uses its frozen cache)"
  unset EM_CACHE
fi

# --- 1. tools ---------------------------------------------------------------
ensure_tools() {
  local missing=()
  command -v emcc >/dev/null 2>&1 || missing+=(emscripten)
  command -v cmake >/dev/null 2>&1 || missing+=(cmake)
  command -v ninja >/dev/null 2>&1 || missing+=(ninja-build)
  command -v xz >/dev/null 2>&1 || missing+=(xz-utils)
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  [[ -f /usr/include/nlohmann/json.hpp ]] || missing+=(nlohmann-json3-dev)
  [[ -d /usr/share/nodejs/acorn ]] || missing+=(node-acorn)
  [[ -f /usr/share/keyrings/debian-archive-keyring.gpg ]] || missing+=(debian-archive-keyring)
  [[ -d /etc/ssl/certs ]] || missing+=(ca-certificates)
  ((${#missing[@]} == 0)) && return
  if [[ $(id -u) -ne 0 ]]; then
    die "missing packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
  fi
  log "installing: ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

# --- 2. Debian source tarballs ------------------------------------------------
# The deb-src entry reuses the Debian mirror this machine is configured with,
# in a private sources file: /etc/apt is never touched.
detect_mirror() {
  local codename=$1 uri
  uri=$(
    {
      # one-line format: deb [opts] URI SUITE COMPONENTS...
      cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        sed -E 's/#.*//; s/\[[^]]*\]//' |
        awk -v s="$codename" '($1=="deb"||$1=="deb-src") && $3==s && / main/ {print $2}'
      # deb822 format: stanzas with URIs/Suites/Components
      for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] || continue
        awk -v s="$codename" '
          function flush() { if (uris != "" && index(" " suites " ", " " s " ") && index(" " comps " ", " main ")) { split(uris, u, " "); print u[1] } uris = suites = comps = "" }
          /^[ \t]*#/ { next }
          /^[ \t]*$/ { flush(); next }
          tolower($1) == "uris:"       { $1 = ""; uris = $0 }
          tolower($1) == "suites:"     { $1 = ""; suites = $0 }
          tolower($1) == "components:" { $1 = ""; comps = $0 }
          END { flush() }' "$f"
      done
    } | grep -v -e security -e '^$' | head -n1
  )
  echo "${uri:-http://deb.debian.org/debian}"
}

APT_OPTS=()
apt_private() {
  apt-get "${APT_OPTS[@]}" "$@"
}

setup_private_apt() {
  ((${#APT_OPTS[@]})) && return
  local codename mirror signed=""
  codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
  codename=${codename:-bookworm}
  mirror=$(detect_mirror "$codename")
  [[ -f /usr/share/keyrings/debian-archive-keyring.gpg ]] &&
    signed="[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
  mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial"
  echo "deb-src ${signed}${mirror} ${codename} main" >"$APT_DIR/sources.list"
  APT_OPTS=(
    -o "Dir::Etc::SourceList=$APT_DIR/sources.list"
    -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::State::Lists=$APT_DIR/lists"
    -o "Dir::Cache=$APT_DIR/cache"
  )
  # As root apt drops to the _apt user for downloads, which may not be able to
  # write into the repository's .deps; these private downloads stay root's.
  [[ $(id -u) -eq 0 ]] && APT_OPTS+=(-o "APT::Sandbox::User=root")
  if ! compgen -G "$APT_DIR/lists/*Sources*" >/dev/null; then
    apt_update
  fi
}

apt_update() {
  log "apt update ($(cat "$APT_DIR/sources.list"); private state in $APT_DIR)"
  apt_private -qq update
}

# verify_orig PKG: the newest *.orig.tar.* matches the sha256 in its .dsc.
# (Guards against a download cut short by an interrupted run.)
verify_orig() {
  local pkg=$1 dsc orig want
  dsc=$(compgen -G "$SRC_DIR/dl/${pkg}_*.dsc" | sort -V | tail -n1) || return 1
  orig=$(awk '/^Checksums-Sha256:/ { on = 1; next } /^[^ ]/ { on = 0 } on && $3 ~ /\.orig\.tar\./ { print $3 }' "$dsc")
  want=$(awk '/^Checksums-Sha256:/ { on = 1; next } /^[^ ]/ { on = 0 } on && $3 ~ /\.orig\.tar\./ { print $1 }' "$dsc")
  [[ -n $orig && -f $SRC_DIR/dl/$orig ]] || return 1
  [[ $(sha256sum "$SRC_DIR/dl/$orig" | cut -d' ' -f1) == "$want" ]]
}

download_source() {
  local pkg=$1
  log "downloading source of $pkg"
  # Only the *.orig.tar.* (and the .dsc with its checksum) is needed; some
  # *.debian.tar.xz files 404 on the mirror (md4c), which makes apt-get exit
  # non-zero after the orig arrived.
  (cd "$SRC_DIR/dl" && apt_private -qq source --download-only "$pkg") ||
    log "apt-get source $pkg reported errors; checking for the orig tarball"
}

fetch_sources() {
  local p
  mkdir -p "$SRC_DIR/dl"
  for p in "$@"; do
    if [[ -f $SRC_DIR/dl/.verified-$p ]] && compgen -G "$SRC_DIR/dl/${p}_*.orig.tar.*" >/dev/null; then
      continue
    fi
    setup_private_apt
    download_source "$p"
    if ! verify_orig "$p"; then
      # Stale lists (the archive moved on) or a broken download: refresh, retry.
      rm -f "$SRC_DIR/dl/${p}_"*
      apt_update
      download_source "$p"
      verify_orig "$p" || die "could not download a verified ${p}_*.orig.tar.*"
    fi
    touch "$SRC_DIR/dl/.verified-$p"
  done
  log "sources: $(cd "$SRC_DIR/dl" && echo *.orig.tar.*)"
}

# --- 3. unpack + build --------------------------------------------------------
tarball_of() { compgen -G "$SRC_DIR/dl/${1}_*.orig.tar.*" | sort -V | tail -n1; }

# unpack PKG -> prints the source dir. The tarball's top directory name varies
# (yaml-cpp-yaml-cpp-0.7.0, md4c-release-0.4.8), so unpack into a fresh dir.
unpack() {
  local pkg=$1 tarball base dest
  tarball=$(tarball_of "$pkg")
  base=$(basename "$tarball")
  dest=$SRC_DIR/${base%.orig.tar.*}
  if [[ ! -f $dest/.unpacked ]]; then
    rm -rf "$dest" "$dest.tmp"
    mkdir -p "$dest.tmp"
    tar -xf "$tarball" -C "$dest.tmp"
    local top
    top=$(find "$dest.tmp" -mindepth 1 -maxdepth 1)
    [[ $(wc -l <<<"$top") -eq 1 && -d $top ]] || die "unexpected layout in $base"
    mv "$top" "$dest"
    rmdir "$dest.tmp"
    if [[ $pkg == md4c ]]; then
      # md4c 0.4.8 always builds and installs the md2html tool; there is no
      # option to turn it off, so drop it from this private copy.
      sed -i 's/^add_subdirectory(md2html)/# &  (removed by build-wasm-deps.sh)/' "$dest/CMakeLists.txt"
    fi
    touch "$dest/.unpacked"
  fi
  echo "$dest"
}

# build PKG CMAKE_ARGS... : configure, build and install into the prefix.
build_pkg() {
  local pkg=$1
  shift
  local src tarball key stamp=$STAMPS/$pkg
  tarball=$(tarball_of "$pkg")
  key="$(basename "$tarball") $(sha256sum "$tarball" | cut -c1-16) $WASM_FLAGS $*"
  if [[ -f $stamp && $(cat "$stamp") == "$key" ]]; then
    log "$pkg: up to date"
    return
  fi
  src=$(unpack "$pkg")
  log "$pkg: building $(basename "$src")"
  local t0=$SECONDS
  rm -rf "$BUILD_DIR/$pkg"
  emcmake cmake -S "$src" -B "$BUILD_DIR/$pkg" -G Ninja -Wno-dev \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$PREFIX" \
    -DCMAKE_C_FLAGS="$WASM_FLAGS" \
    -DCMAKE_CXX_FLAGS="$WASM_FLAGS" \
    -DCMAKE_C_FLAGS_RELEASE="-DNDEBUG" \
    -DCMAKE_CXX_FLAGS_RELEASE="-DNDEBUG" \
    -DBUILD_SHARED_LIBS=OFF \
    "$@" >"$BUILD_DIR/$pkg.configure.log" 2>&1 ||
    { tail -n 40 "$BUILD_DIR/$pkg.configure.log" >&2; die "$pkg: configure failed (log: $BUILD_DIR/$pkg.configure.log)"; }
  cmake --build "$BUILD_DIR/$pkg" -j "$JOBS" >"$BUILD_DIR/$pkg.build.log" 2>&1 ||
    { tail -n 40 "$BUILD_DIR/$pkg.build.log" >&2; die "$pkg: build failed (log: $BUILD_DIR/$pkg.build.log)"; }
  cmake --install "$BUILD_DIR/$pkg" >"$BUILD_DIR/$pkg.install.log" 2>&1 ||
    { tail -n 40 "$BUILD_DIR/$pkg.install.log" >&2; die "$pkg: install failed"; }
  mkdir -p "$STAMPS"
  echo "$key" >"$stamp"
  log "$pkg: done in $((SECONDS - t0))s"
}

# nlohmann-json: header-only. Debian's CMake package computes its prefix from
# its own location (relocatable), so headers + config copied side by side into
# the prefix give find_package(nlohmann_json) an nlohmann_json::nlohmann_json
# target whose include dir is inside the prefix.
install_nlohmann() {
  local cfg=/usr/share/cmake/nlohmann_json key stamp=$STAMPS/nlohmann_json
  [[ -f /usr/include/nlohmann/json.hpp && -f $cfg/nlohmann_jsonConfig.cmake ]] ||
    die "nlohmann-json3-dev is not installed"
  key="$(dpkg-query -W -f='${Version}' nlohmann-json3-dev 2>/dev/null || echo unknown)"
  if [[ -f $stamp && $(cat "$stamp") == "$key" ]]; then
    log "nlohmann_json: up to date"
    return
  fi
  rm -rf "$PREFIX/include/nlohmann" "$PREFIX/share/cmake/nlohmann_json"
  mkdir -p "$PREFIX/include" "$PREFIX/share/cmake"
  cp -a /usr/include/nlohmann "$PREFIX/include/"
  cp -a "$cfg" "$PREFIX/share/cmake/"
  mkdir -p "$STAMPS"
  echo "$key" >"$stamp"
  log "nlohmann_json: copied $key into the prefix"
}

main() {
  local t0=$SECONDS
  ensure_tools
  fetch_sources yaml-cpp md4c utf8proc pcre2
  mkdir -p "$BUILD_DIR" "$PREFIX"

  build_pkg yaml-cpp \
    -DYAML_CPP_BUILD_TESTS=OFF -DYAML_CPP_BUILD_TOOLS=OFF \
    -DYAML_CPP_BUILD_CONTRIB=OFF -DYAML_BUILD_SHARED_LIBS=OFF -DYAML_CPP_INSTALL=ON
  # md4c's strchr calls go to wasm/src/md4c_strchr.c (a plain loop: musl's
  # word-at-a-time strchr is mostly setup on md4c's palettes of a few bytes).
  build_pkg md4c -DCMAKE_C_FLAGS="$WASM_FLAGS -Dstrchr=vaultcrm_md4c_strchr"
  build_pkg utf8proc -DUTF8PROC_INSTALL=ON -DUTF8PROC_ENABLE_TESTING=OFF
  build_pkg pcre2 \
    -DPCRE2_BUILD_PCRE2_8=ON -DPCRE2_BUILD_PCRE2_16=OFF -DPCRE2_BUILD_PCRE2_32=OFF \
    -DPCRE2_SUPPORT_JIT=OFF -DPCRE2_SUPPORT_UNICODE=ON \
    -DPCRE2_BUILD_PCRE2GREP=OFF -DPCRE2_BUILD_TESTS=OFF \
    -DPCRE2_SUPPORT_LIBBZ2=OFF -DPCRE2_SUPPORT_LIBZ=OFF \
    -DPCRE2_SUPPORT_LIBEDIT=OFF -DPCRE2_SUPPORT_LIBREADLINE=OFF \
    -DPCRE2_SHOW_REPORT=OFF -DBUILD_STATIC_LIBS=ON
  install_nlohmann

  log "prefix ready: $PREFIX ($((SECONDS - t0))s)"
}

main "$@"
