#include <setjmp.h>
#include <stdlib.h>

#include <png.h>

#include "fa_common.h"

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
    jmp_buf jump;
    int truncated;
    uint32_t warnings;
    char text[256];
} fa_png_state;

static void fa_png_error(png_structp png, png_const_charp text) {
    fa_png_state *state = (fa_png_state *)png_get_error_ptr(png);
    snprintf(state->text, sizeof state->text, "%s", text);
    longjmp(state->jump, 1);
}

static void fa_png_warning(png_structp png, png_const_charp text) {
    (void)text;
    fa_png_state *state = (fa_png_state *)png_get_error_ptr(png);
    state->warnings++;
}

static void fa_png_read(png_structp png, png_bytep target, size_t length) {
    fa_png_state *state = (fa_png_state *)png_get_io_ptr(png);
    if (state->size - state->offset < length) {
        state->truncated = 1;
        png_error(png, "unexpected end of PNG data");
    }
    memcpy(target, state->data + state->offset, length);
    state->offset += length;
}

static uint32_t fa_png_color_model(int color_type) {
    switch (color_type) {
    case PNG_COLOR_TYPE_GRAY: return FA_COLOR_GRAY;
    case PNG_COLOR_TYPE_GRAY_ALPHA: return FA_COLOR_GRAY_ALPHA;
    case PNG_COLOR_TYPE_RGB: return FA_COLOR_RGB;
    case PNG_COLOR_TYPE_RGB_ALPHA: return FA_COLOR_RGBA;
    case PNG_COLOR_TYPE_PALETTE: return FA_COLOR_PALETTE;
    default: return FA_COLOR_UNKNOWN;
    }
}

/* Decodes, or with header_only stops after the pixel limit check (FA_OK with no pixels). */
static fa_status fa_png_run(const uint8_t *data, size_t size, uint64_t max_pixels, fa_image *out,
                            char *message, size_t message_size, int header_only) {
    memset(out, 0, sizeof *out);
    fa_set_message(message, message_size, "");
    if (data == NULL || size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        fa_set_message(message, message_size, "not a PNG file (bad signature)");
        return FA_ERR_FORMAT;
    }

    fa_png_state state;
    memset(&state, 0, sizeof state);
    state.data = data;
    state.size = size;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, fa_png_error, fa_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (png == NULL || info == NULL) {
        png_destroy_read_struct(&png, &info, NULL);
        fa_set_message(message, message_size, "out of memory for the PNG decoder");
        return FA_ERR_NO_MEMORY;
    }
    /* Modified after setjmp and read after a longjmp: must be volatile. */
    uint8_t *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(state.jump)) {
        fa_set_message(message, message_size, state.text);
        png_destroy_read_struct(&png, &info, NULL);
        free(pixels);
        free(rows);
        return state.truncated ? FA_ERR_TRUNCATED : FA_ERR_CORRUPT;
    }
    png_set_read_fn(png, &state, fa_png_read);
    png_read_info(png, info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);
    out->width = width;
    out->height = height;
    out->source_channels = png_get_channels(png, info);
    out->source_bit_depth = (uint32_t)bit_depth;
    out->source_color_model = fa_png_color_model(color_type);
    out->progressive = interlace != PNG_INTERLACE_NONE ? 1 : 0;
    if (fa_over_limit(width, height, max_pixels)) {
        char text[160];
        snprintf(text, sizeof text, "%u×%u pixels exceeds the limit of %llu pixels", (unsigned)width,
                 (unsigned)height, (unsigned long long)max_pixels);
        fa_set_message(message, message_size, text);
        png_destroy_read_struct(&png, &info, NULL);
        return FA_ERR_TOO_LARGE;
    }
    if (header_only) {
        png_destroy_read_struct(&png, &info, NULL);
        return FA_OK;
    }

    png_set_expand(png);
    if (bit_depth == 16) png_set_scale_16(png);
    png_set_strip_alpha(png);
    if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    (void)png_set_interlace_handling(png);
    png_read_update_info(png, info);
    size_t stride = (size_t)width * 3;
    if (png_get_rowbytes(png, info) != stride) png_error(png, "unexpected row size after conversion to RGB8");

    pixels = malloc(stride * height);
    rows = malloc(sizeof(png_bytep) * height);
    if (pixels == NULL || rows == NULL) {
        fa_set_message(message, message_size, "out of memory for the pixel buffer");
        png_destroy_read_struct(&png, &info, NULL);
        free(pixels);
        free(rows);
        return FA_ERR_NO_MEMORY;
    }
    for (png_uint_32 y = 0; y < height; y++) rows[y] = pixels + stride * y;
    png_read_image(png, rows);
    png_read_end(png, NULL);

    out->warnings = state.warnings;
    out->pixels = pixels;
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    return FA_OK;
}

void fa_free(void *pointer) { free(pointer); }

fa_status fa_png_decode(const uint8_t *data, size_t size, uint64_t max_pixels, fa_image *out,
                        char *message, size_t message_size) {
    return fa_png_run(data, size, max_pixels, out, message, message_size, 0);
}

fa_status fa_png_check_header(const uint8_t *data, size_t size, uint64_t max_pixels, fa_image *out,
                              char *message, size_t message_size) {
    return fa_png_run(data, size, max_pixels, out, message, message_size, 1);
}
