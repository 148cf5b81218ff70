#include "fa_vector_build.h"

const char *fa_vector_build_name(fa_vector_build build) {
    switch (build) {
    case FA_BUILD_AVX512: return "AVX-512F";
    case FA_BUILD_AVX2: return "AVX2+FMA";
    default: return "baseline";
    }
}
