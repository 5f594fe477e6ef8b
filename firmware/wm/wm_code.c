// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wm_code: CRC-24 and the K = 7, rate 1/3 convolutional code (see wm_code.h).
 *
 * Why this code: the watermark channel is an additive-noise channel whose
 * per-bit signal-to-noise ratio we cannot raise without being heard, so
 * every decibel of coding gain is a decibel less of watermark.  A K = 7
 * convolutional code with soft Viterbi decoding gains about 5 dB over
 * uncoded bits at the error rates we care about, decodes 122 bits in
 * microseconds, and degrades gracefully; rate 1/3 rather than 1/2 because
 * in spread spectrum the extra redundancy costs no extra audio, only fewer
 * carriers per coded bit, and the lower rate code is the stronger one at
 * equal energy per payload bit.  The generators are the ones LTE uses for
 * this constraint length (octal 133, 171, 165), free distance 15.
 *
 * The Viterbi decoder keeps 64 path metrics as doubles and one 64-bit word
 * of decisions per step, so it needs no allocation: WM_CODE_MAX_IN bounds
 * the trellis length.
 */
#include "wm_code.h"

#include <math.h>
#include <string.h>

#define STATES (1u << (WM_CODE_K - 1))

static const unsigned generators[WM_CODE_RATE] = { 0133, 0171, 0165 };

uint32_t wm_crc24(const uint8_t *bits, size_t nbits)
{
	uint32_t crc = 0xB704CEu;

	for (size_t i = 0; i < nbits; i++) {
		unsigned top = (unsigned)((crc >> 23) & 1u) ^ (bits[i] & 1u);

		crc = (crc << 1) & 0xFFFFFFu;
		if (top)
			crc ^= 0x864CFBu;
	}
	return crc;
}

static unsigned parity(unsigned x)
{
	return (unsigned)__builtin_parity(x);
}

/* The three output bits for input bit b entering a register in state s
 * (the previous six bits, most recent highest). */
static unsigned branch_outputs(unsigned s, unsigned b)
{
	unsigned reg = (b << (WM_CODE_K - 1)) | s, out = 0;

	for (unsigned j = 0; j < WM_CODE_RATE; j++)
		out |= parity(reg & generators[j]) << j;
	return out;
}

void wm_conv_encode(const uint8_t *in, size_t nin, uint8_t *out)
{
	unsigned s = 0;

	for (size_t t = 0; t < nin + WM_CODE_TAIL; t++) {
		unsigned b = t < nin ? in[t] & 1u : 0u;
		unsigned o = branch_outputs(s, b);

		for (unsigned j = 0; j < WM_CODE_RATE; j++)
			out[t * WM_CODE_RATE + j] = (uint8_t)((o >> j) & 1u);
		s = (b << (WM_CODE_K - 2)) | (s >> 1);
	}
}

double wm_viterbi(const float *soft, size_t nin, uint8_t *out)
{
	uint64_t decision[WM_CODE_MAX_IN + WM_CODE_TAIL];
	double metric[STATES], next[STATES];
	unsigned outputs[STATES][2];
	size_t steps;
	unsigned s;

	if (nin > WM_CODE_MAX_IN)
		nin = WM_CODE_MAX_IN;
	steps = nin + WM_CODE_TAIL;
	for (s = 0; s < STATES; s++) {
		metric[s] = s ? -HUGE_VAL : 0.0;
		outputs[s][0] = branch_outputs(s, 0);
		outputs[s][1] = branch_outputs(s, 1);
	}
	for (size_t t = 0; t < steps; t++) {
		const float *y = soft + t * WM_CODE_RATE;
		/* correlation of each of the 8 output triples with y */
		double corr[1u << WM_CODE_RATE];
		uint64_t d = 0;

		for (unsigned o = 0; o < (1u << WM_CODE_RATE); o++) {
			double c = 0.0;

			for (unsigned j = 0; j < WM_CODE_RATE; j++)
				c += ((o >> j) & 1u) ? y[j] : -y[j];
			corr[o] = c;
		}
		for (unsigned ns = 0; ns < STATES; ns++) {
			unsigned b = ns >> (WM_CODE_K - 2);
			unsigned p0 = (ns << 1) & (STATES - 1), p1 = p0 | 1u;
			double m0 = metric[p0] + corr[outputs[p0][b]];
			double m1 = metric[p1] + corr[outputs[p1][b]];

			/* in the tail only the 0 input is allowed */
			if (t >= nin && b) {
				next[ns] = -HUGE_VAL;
				continue;
			}
			if (m1 > m0) {
				next[ns] = m1;
				d |= 1ull << ns;
			} else {
				next[ns] = m0;
			}
		}
		decision[t] = d;
		memcpy(metric, next, sizeof(metric));
	}
	s = 0;
	for (size_t t = steps; t-- > 0;) {
		unsigned b = s >> (WM_CODE_K - 2);

		if (t < nin)
			out[t] = (uint8_t)b;
		s = ((s << 1) & (STATES - 1)) | (unsigned)((decision[t] >> s) & 1u);
	}
	return metric[0];
}
