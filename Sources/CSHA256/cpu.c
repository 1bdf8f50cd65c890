#include "csha256.h"
#if defined(__x86_64__)
#include <cpuid.h>
int hashsec_cpu_has_sha_ni(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int ssse3 = (c >> 9) & 1, sse41 = (c >> 19) & 1;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return ((b >> 29) & 1) && ssse3 && sse41;
}
#else
int hashsec_cpu_has_sha_ni(void) { return 0; }
#endif
