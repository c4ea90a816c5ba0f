/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding message boundaries in a SIP byte stream (RFC 3261 18.3): the
 * header ends at the first empty line, the body is Content-Length (or "l")
 * bytes. Needed before libosip2 can see a message, so it is written here;
 * dependency-free so that it is unit-tested on every architecture.
 */
#ifndef VQ_SIP_FRAME_H
#define VQ_SIP_FRAME_H

#include <stddef.h>

#define VQ_SIP_MAX_MSG 65535	/* a frame larger than this is an error */

enum vq_frame {
	VQ_FRAME_MORE = 0,	/* incomplete: wait for more bytes */
	VQ_FRAME_ERROR = -1,	/* cannot be SIP framing: resynchronise */
};

/*
 * Length of the message at the start of buf (> 0), VQ_FRAME_MORE or
 * VQ_FRAME_ERROR (no Content-Length on a stream, bad or duplicate value,
 * header or message over VQ_SIP_MAX_MSG). Leading CRLF keep-alives
 * (RFC 5626 3.5.1) are reported through *skip: bytes to drop first.
 */
long vq_sip_frame(const char *buf, size_t len, size_t *skip);

#endif
