/* "Did you mean": how near one word is to another, for the suggestions
 * that follow an unknown key, flag or command. */
#ifndef WCOMPOSE_UTIL_SIMILAR_H
#define WCOMPOSE_UTIL_SIMILAR_H

#include <stddef.h>

/* Edit distance (optimal string alignment: insertions, deletions,
 * substitutions and swaps of two neighbours each count 1); SIZE_MAX when
 * either word is longer than 64 characters. */
size_t similar_distance(const char *a, const char *b);

/* Whether typed is near enough to known to be offered in its place: at most
 * 3 edits, and at most a third of the longer word. */
int similar_near(const char *typed, const char *known);

#endif
