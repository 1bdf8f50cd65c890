#ifndef HASHSEC_CSHA256_H
#define HASHSEC_CSHA256_H
#include <stdint.h>
#include <stddef.h>

/* SHA-256 fast path for hashsec (x86-64 SHA-NI). Every function is safe to call on any CPU:
   where SHA-NI is absent (or on a non-x86 build) it does nothing and returns 0 ("unsupported"),
   and the Swift side (module Bitcoin) falls back to its portable implementation. */

/* 1 when this CPU supports the SHA extensions (cpuid leaf 7, EBX bit 29) plus SSSE3 and SSE4.1. */
int hashsec_cpu_has_sha_ni(void);

/* Compresses `blocks` 64-byte blocks into `state` (8 words, FIPS 180-4 order). Returns 1, or 0 if unsupported. */
int hashsec_sha256_compress_shani(uint32_t state[8], const uint8_t *data, size_t blocks);

/* Midstate nonce scan over an 80-byte Bitcoin header.
   midstate: SHA-256 state after the first 64 header bytes; tail: header bytes 64..75 (merkle tail, time, bits);
   nonces start, start+1, ..., start+count-1 (wrapping mod 2^32) are each hashed with SHA-256d
   (2 compressions per nonce). target: the 256-bit target as 8 little-endian 32-bit limbs (limb 0 least significant),
   or NULL to count hashes only. Nonces whose hash (read as a little-endian 256-bit number) <= target are written to
   found[0..capacity) in increasing scan order. Returns the number of hits (may exceed capacity), or -1 if unsupported. */
long hashsec_scan_shani(const uint32_t midstate[8], const uint8_t tail[12], uint32_t start, uint64_t count,
                        const uint32_t *target, uint32_t *found, size_t capacity);
/* Calibration loop: `count` independent single compressions (from the initial state); writes a checksum to *sink.
   Returns 0, or -1 if unsupported. */
long hashsec_calibrate_shani(uint64_t count, uint32_t *sink);
#endif
