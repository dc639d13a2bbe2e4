/* libjpeg-turbo through its TurboJPEG API, which reports errors by return value (no longjmp). */
#include <turbojpeg.h>
