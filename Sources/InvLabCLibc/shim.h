/* glibc declarations that the Swift Glibc module does not export (mallopt and its parameters). */
#include <malloc.h>
