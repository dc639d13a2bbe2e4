/* OpenBLAS through its CBLAS header (Debian libopenblas-dev). cblas.h also declares
   openblas_get_corename, openblas_get_config and openblas_set_num_threads. */
#include <cblas.h>
