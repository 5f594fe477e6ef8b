/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wm_code: the watermark's channel code — a CRC-24 to know a payload when we
 * see one, and a convolutional code (constraint length 7, rate 1/3) with a
 * soft-decision Viterbi decoder to get it through the noise.
 *
 * Bits travel one per byte (0 or 1) in these interfaces: the payloads are a
 * hundred-odd bits, so clarity wins over packing.
 */
#ifndef TENPO_WM_CODE_H
#define TENPO_WM_CODE_H

#include <stddef.h>
#include <stdint.h>

#define WM_CODE_K 7                  /* constraint length */
#define WM_CODE_TAIL (WM_CODE_K - 1) /* zero bits that bring the encoder home */
#define WM_CODE_RATE 3               /* coded bits per input bit */
#define WM_CODE_MAX_IN 160           /* input bits, tail excluded */

/* Coded length for nin input bits: (nin + tail) * 3. */
#define WM_CODED_LEN(nin) (((nin) + WM_CODE_TAIL) * WM_CODE_RATE)

/* CRC-24 (the OpenPGP polynomial 0x864CFB, initial value 0xB704CE) over
 * nbits bits, most significant first. */
uint32_t wm_crc24(const uint8_t *bits, size_t nbits);

/* Encodes nin (<= WM_CODE_MAX_IN) bits and the tail into
 * out[WM_CODED_LEN(nin)]. */
void wm_conv_encode(const uint8_t *in, size_t nin, uint8_t *out);

/*
 * Maximum-likelihood decoding of a terminated codeword from soft values
 * soft[WM_CODED_LEN(nin)]: positive means "1 more likely", the magnitude
 * the confidence (any scale; zero is an erasure).  Writes the nin decoded
 * bits to out.  Returns the winning path's correlation with soft.
 */
double wm_viterbi(const float *soft, size_t nin, uint8_t *out);

#endif
