/* OpenBLAS through its CBLAS header (Debian libopenblas-dev). cblas.h also declares
   openblas_get_corename, openblas_get_config and openblas_set_num_threads. */
#include <cblas.h>

/* LAPACK's symmetric eigensolver (divide and conquer), built into libopenblas. Debian's
   OpenBLAS ships without LAPACKE, so the Fortran symbol is declared here. */
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda, float *w,
             float *work, const int *lwork, int *iwork, const int *liwork, int *info);
