// Direct recursion folded, for the views that print call paths (the text and
// md trees, json's tree, folded stacks, pprof samples). A function that calls
// itself 100,000 deep is a 100,000-node chain in the calling-context tree;
// printed as it is, each line indented by its depth or carrying its whole
// path, the output grows with the square of the depth. Folded, the chain is
// one node:
//
//   main -> f -> f -> f -> g        main -> f (recursive, depth 1..3) -> g
//                  \-> h                                              \-> h
//
// The folded node's calls and self time are the sums over the chain, its
// inclusive time the outermost call's; the callees of every level become its
// children, merged by function (g called at depth 1 and at depth 3 is one
// child: the two calls are siblings in time, so their figures add up). The
// flat per-function figures and the totals are the unfolded tree's.
#pragma once

#include <string>

#include "model/profile.h"

namespace fnprof {

CallTree fold_recursion(const CallTree& tree);

// "f", or "f (recursive, depth 1..3)" for a folded node.
std::string folded_name(const Profile& profile, const ProfileNode& node);

// A node as the trees people read name it: folded_name, and for a blocking
// call what it waits for, "pthread_join (waiting: join)".
std::string tree_node_name(const Profile& profile, const ProfileNode& node);

}  // namespace fnprof
