// Interned call stacks: each distinct stack is stored once and named by a
// 32-bit id everywhere else (sites, caches, the dump), after the sanitizers'
// stack depot. Lock-free: a stack hashes to a bucket holding a list of
// nodes; a new node is pushed with one CAS, and a thread that loses the race
// to another inserting the same stack looks again and takes the winner's id
// (its own node is wasted arena space, which is rare and bounded). Nodes are
// never removed, so readers follow the lists without any protection.
//
//   intern([0x4011a7, 0x401203, 0x401260], ReturnAddresses) -> 7
//   intern([0x4011a7, 0x401203, 0x401260], ReturnAddresses) -> 7 (found)
//   stack(7) -> the node with those three frames
#pragma once

#include <atomic>
#include <cstdint>

#include "fnprof/format.h"

namespace fnprof::alloc {

struct StackNode {
  StackNode* next;  // bucket list
  uint64_t hash;
  uint32_t id;
  uint16_t frame_count;
  uint8_t kind;  // format::StackKind
  uint64_t frames[];  // innermost first
};

// Most frames a stack keeps (FNPROF_STACK_DEPTH is clamped to it).
inline constexpr uint32_t kMaxStackDepth = 256;
inline constexpr uint32_t kNoStack = UINT32_MAX;

bool stack_table_init();
// The id of the stack, interning it when new; kNoStack when the table is full.
uint32_t intern_stack(const uint64_t* frames, uint32_t count, format::StackKind kind);
// One past the highest id handed out so far.
uint32_t stack_id_limit();
// nullptr for an id whose insertion lost a race (a gap) or is in progress.
const StackNode* stack_at(uint32_t id);

}  // namespace fnprof::alloc
