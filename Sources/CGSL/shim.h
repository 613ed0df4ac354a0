// The parts of GNU GSL that aggsim uses: generators, random variates, CDFs and quantiles.
#ifndef AGGSIM_CGSL_SHIM_H
#define AGGSIM_CGSL_SHIM_H
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_math.h>

// Swift 6 rejects direct use of GSL's global generator-type variables (shared mutable
// state); these accessors return them as plain values.
static inline const gsl_rng_type *cgsl_mt19937(void) { return gsl_rng_mt19937; }
#endif
