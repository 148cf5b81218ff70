#ifndef FA_COMMON_H
#define FA_COMMON_H

#include <stdio.h>
#include <string.h>

#include "fa_codecs.h"

/* Copies a NUL-terminated message into the caller's buffer, truncating safely. */
static inline void fa_set_message(char *message, size_t message_size, const char *text) {
    if (message == NULL || message_size == 0) return;
    snprintf(message, message_size, "%s", text);
}

/* True when width × height is over the limit (computed without overflow). */
static inline int fa_over_limit(uint64_t width, uint64_t height, uint64_t max_pixels) {
    return width * height > max_pixels;
}

#endif
