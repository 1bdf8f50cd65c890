#ifndef HASHSEC_CLAPACKE_SHIM_H
#define HASHSEC_CLAPACKE_SHIM_H
/* LAPACKE C interface to LAPACK (Debian: liblapacke-dev). */
#include <lapacke.h>
#endif
