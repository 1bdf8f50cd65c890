#ifndef HASHSEC_CSHA256_H
#define HASHSEC_CSHA256_H
#include <stdint.h>
#include <stddef.h>
/* Placeholder; the SHA-NI kernel is filled in by the Bitcoin work (issue 7). */
int hashsec_cpu_has_sha_ni(void);
#endif
