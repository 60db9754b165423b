// wasm/src/small_alloc.h - what the wasm modules' operator new reports
// (small_alloc.cpp).
#pragma once

#include <cstddef>

namespace vaultcrm::wasm {

// Bytes handed out by malloc and by operator new and not yet freed.
size_t heap_in_use();

}  // namespace vaultcrm::wasm
