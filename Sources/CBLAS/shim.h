#ifndef HASHSEC_CBLAS_SHIM_H
#define HASHSEC_CBLAS_SHIM_H
/* OpenBLAS' CBLAS interface (Debian: libopenblas-dev). */
#include <cblas.h>
#endif
