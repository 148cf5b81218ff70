#include <setjmp.h>
#include <stdlib.h>

#include <stdio.h>
#include <stddef.h>
#include <jpeglib.h>
#include <jerror.h>

#include "fa_common.h"

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    int truncated;
    char text[JMSG_LENGTH_MAX];
} fa_jpeg_error;

static void fa_jpeg_error_exit(j_common_ptr cinfo) {
    fa_jpeg_error *err = (fa_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, err->text);
    longjmp(err->jump, 1);
}

/* Warnings (level -1) are counted, except a premature end of data, which libjpeg would otherwise
 * paper over with gray rows: that is a truncated file and fails. Trace messages are ignored. */
static void fa_jpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level >= 0) return;
    fa_jpeg_error *err = (fa_jpeg_error *)cinfo->err;
    if (cinfo->err->msg_code == JWRN_JPEG_EOF) {
        err->truncated = 1;
        (*cinfo->err->format_message)(cinfo, err->text);
        longjmp(err->jump, 1);
    }
    cinfo->err->num_warnings++;
}

static void fa_jpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }

static uint32_t fa_jpeg_color_model(J_COLOR_SPACE space) {
    switch (space) {
    case JCS_GRAYSCALE: return FA_COLOR_GRAY;
    case JCS_RGB: return FA_COLOR_RGB;
    case JCS_YCbCr: return FA_COLOR_YCBCR;
    case JCS_CMYK: return FA_COLOR_CMYK;
    case JCS_YCCK: return FA_COLOR_YCCK;
    default: return FA_COLOR_UNKNOWN;
    }
}

/* (a·b)/255 rounded to nearest, for 8-bit a and b. */
static inline uint8_t fa_mul255(unsigned a, unsigned b) {
    unsigned t = a * b + 128;
    return (uint8_t)((t + (t >> 8)) >> 8);
}

/* CMYK → RGB. Adobe applications write CMYK inverted (0 = full ink); others write it plain. */
static void fa_cmyk_row_to_rgb(const uint8_t *cmyk, uint8_t *rgb, uint32_t width, int inverted) {
    for (uint32_t x = 0; x < width; x++) {
        unsigned c = cmyk[4 * x], m = cmyk[4 * x + 1], y = cmyk[4 * x + 2], k = cmyk[4 * x + 3];
        if (!inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
        rgb[3 * x] = fa_mul255(c, k);
        rgb[3 * x + 1] = fa_mul255(m, k);
        rgb[3 * x + 2] = fa_mul255(y, k);
    }
}

/* Decodes, or with header_only stops after the pixel limit check (FA_OK with no pixels). */
static fa_status fa_jpeg_run(const uint8_t *data, size_t size, uint64_t max_pixels, fa_image *out,
                             char *message, size_t message_size, int header_only) {
    memset(out, 0, sizeof *out);
    fa_set_message(message, message_size, "");
    if (data == NULL || size < 3 || data[0] != 0xFF || data[1] != 0xD8 || data[2] != 0xFF) {
        fa_set_message(message, message_size, "not a JPEG file (no SOI marker)");
        return FA_ERR_FORMAT;
    }

    struct jpeg_decompress_struct cinfo;
    fa_jpeg_error err;
    memset(&err, 0, sizeof err);
    /* Modified after setjmp and read after a longjmp: must be volatile. */
    uint8_t *volatile pixels = NULL;
    uint8_t *volatile row = NULL;

    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = fa_jpeg_error_exit;
    err.pub.emit_message = fa_jpeg_emit_message;
    err.pub.output_message = fa_jpeg_output_message;
    if (setjmp(err.jump)) {
        fa_set_message(message, message_size, err.text);
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(row);
        return err.truncated ? FA_ERR_TRUNCATED : FA_ERR_CORRUPT;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);

    out->width = cinfo.image_width;
    out->height = cinfo.image_height;
    out->source_channels = (uint32_t)cinfo.num_components;
    out->source_bit_depth = (uint32_t)cinfo.data_precision;
    out->source_color_model = fa_jpeg_color_model(cinfo.jpeg_color_space);
    out->progressive = cinfo.progressive_mode ? 1 : 0;
    out->adobe_marker = cinfo.saw_Adobe_marker ? 1 : 0;
    if (fa_over_limit(cinfo.image_width, cinfo.image_height, max_pixels)) {
        char text[160];
        snprintf(text, sizeof text, "%u×%u pixels exceeds the limit of %llu pixels", cinfo.image_width,
                 cinfo.image_height, (unsigned long long)max_pixels);
        fa_set_message(message, message_size, text);
        jpeg_destroy_decompress(&cinfo);
        return FA_ERR_TOO_LARGE;
    }
    if (header_only) {
        jpeg_destroy_decompress(&cinfo);
        return FA_OK;
    }

    int cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(&cinfo);

    size_t stride = (size_t)cinfo.output_width * 3;
    pixels = malloc(stride * cinfo.output_height);
    if (cmyk) row = malloc((size_t)cinfo.output_width * 4);
    if (pixels == NULL || (cmyk && row == NULL)) {
        fa_set_message(message, message_size, "out of memory for the pixel buffer");
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(row);
        return FA_ERR_NO_MEMORY;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        uint8_t *target = pixels + stride * cinfo.output_scanline;
        JSAMPROW rows[1] = {cmyk ? row : target};
        if (jpeg_read_scanlines(&cinfo, rows, 1) != 1) continue;
        if (cmyk) fa_cmyk_row_to_rgb(row, target, cinfo.output_width, cinfo.saw_Adobe_marker);
    }
    jpeg_finish_decompress(&cinfo);

    out->width = cinfo.output_width;
    out->height = cinfo.output_height;
    out->warnings = (uint32_t)err.pub.num_warnings;
    out->pixels = pixels;
    jpeg_destroy_decompress(&cinfo);
    free(row);
    return FA_OK;
}

fa_status fa_jpeg_decode(const uint8_t *data, size_t size, uint64_t max_pixels, fa_image *out,
                         char *message, size_t message_size) {
    return fa_jpeg_run(data, size, max_pixels, out, message, message_size, 0);
}

fa_status fa_jpeg_check_header(const uint8_t *data, size_t size, uint64_t max_pixels, fa_image *out,
                               char *message, size_t message_size) {
    return fa_jpeg_run(data, size, max_pixels, out, message, message_size, 1);
}
