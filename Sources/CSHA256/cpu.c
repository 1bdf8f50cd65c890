#include "csha256.h"
int hashsec_cpu_has_sha_ni(void) { return 0; }
