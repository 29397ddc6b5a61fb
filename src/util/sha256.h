/* sha256: SHA-256 (FIPS 180-4) of bytes in memory, for compose's config
 * hash and the docker CLI's context store (directories named by the hash of
 * a context's name). No state is kept. */
#ifndef WCOMPOSE_UTIL_SHA256_H
#define WCOMPOSE_UTIL_SHA256_H

#include <stddef.h>

/* The digest of n bytes, as 32 bytes or as 64 lowercase hex digits + NUL. */
void sha256(const void *data, size_t n, unsigned char out[32]);
void sha256_hex(const void *data, size_t n, char out[65]);

#endif
