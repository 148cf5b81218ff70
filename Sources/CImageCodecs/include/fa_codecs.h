/*
 * FaceAudit image codecs: libpng and libjpeg behind an error-safe C interface.
 *
 * libpng and libjpeg report fatal errors by longjmp (libpng) or by calling exit() (libjpeg's default
 * error_exit). Swift can do neither, so these functions own the setjmp and always return a status.
 * They never print, never exit, and never allocate the pixel buffer before the pixel limit is checked.
 */
#ifndef FA_CODECS_H
#define FA_CODECS_H

#include <stddef.h>
#include <stdint.h>

/** Outcome of a decode call. */
typedef enum {
    FA_OK = 0,
    /** The bytes do not start with this format's signature. */
    FA_ERR_FORMAT = 1,
    /** The library reported a fatal error in the data. */
    FA_ERR_CORRUPT = 2,
    /** The data ended before the image did. */
    FA_ERR_TRUNCATED = 3,
    /** width × height exceeds the caller's pixel limit; nothing was allocated. */
    FA_ERR_TOO_LARGE = 4,
    /** The pixel buffer could not be allocated. */
    FA_ERR_NO_MEMORY = 5,
} fa_status;

/** How the samples were stored in the file. */
typedef enum {
    FA_COLOR_UNKNOWN = 0,
    FA_COLOR_GRAY = 1,
    FA_COLOR_GRAY_ALPHA = 2,
    FA_COLOR_RGB = 3,
    FA_COLOR_RGBA = 4,
    FA_COLOR_PALETTE = 5,
    FA_COLOR_YCBCR = 6,
    FA_COLOR_CMYK = 7,
    FA_COLOR_YCCK = 8,
} fa_color_model;

/** A decoded image: always 8-bit RGB, rows top to bottom, no padding. */
typedef struct {
    uint32_t width;
    uint32_t height;
    /** Channels stored in the file (1 gray … 4 RGBA/CMYK). */
    uint32_t source_channels;
    /** Bits per sample in the file (1, 2, 4, 8 or 16). */
    uint32_t source_bit_depth;
    /** An fa_color_model value. */
    uint32_t source_color_model;
    /** 1 for a progressive JPEG or an interlaced (Adam7) PNG. */
    uint32_t progressive;
    /** 1 when a JPEG carried an Adobe APP14 marker (CMYK then is stored inverted). */
    uint32_t adobe_marker;
    /** Recoverable problems the library reported and worked around (e.g. extraneous bytes). */
    uint32_t warnings;
    /** width × height × 3 bytes from malloc; release with fa_free. NULL unless FA_OK. */
    uint8_t *pixels;
} fa_image;

/**
 * Decodes a JPEG (baseline or progressive; gray, YCbCr, RGB, CMYK or YCCK) to RGB8 with libjpeg's
 * default settings (islow IDCT, fancy upsampling). A premature end of data is FA_ERR_TRUNCATED, not a
 * gray-filled image. On failure `message` holds libjpeg's text, NUL-terminated.
 */
fa_status fa_jpeg_decode(const uint8_t *data, size_t size, uint64_t max_pixels, fa_image *out,
                         char *message, size_t message_size);

/**
 * Decodes a PNG (any colour type, 1–16 bits, interlaced or not) to RGB8. Palette and low bit depths
 * are expanded, 16-bit samples are scaled with rounding (v·255/65535), alpha and tRNS are dropped
 * (not composited), and no gamma correction is applied.
 */
fa_status fa_png_decode(const uint8_t *data, size_t size, uint64_t max_pixels, fa_image *out,
                        char *message, size_t message_size);

/**
 * Reads only the header of a PNG or JPEG, as the decoders above do, up to their pixel limit check:
 * FA_ERR_TOO_LARGE when width × height exceeds `max_pixels`, FA_OK (with `out` filled but no pixels)
 * when it does not, and the decoder's own error when the header cannot be read from `data` (for
 * example FA_ERR_TRUNCATED when `data` is only the first bytes of a file and ends inside the header).
 * Nothing is allocated for pixels. A FA_ERR_TOO_LARGE here is exactly what decoding the whole file
 * would return, since the decoders read the header in the same way and stop at the same check.
 */
fa_status fa_png_check_header(const uint8_t *data, size_t size, uint64_t max_pixels, fa_image *out,
                              char *message, size_t message_size);
fa_status fa_jpeg_check_header(const uint8_t *data, size_t size, uint64_t max_pixels, fa_image *out,
                               char *message, size_t message_size);

/** Releases memory returned by the decoders. */
void fa_free(void *pointer);

#endif
