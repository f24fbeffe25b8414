/* SPDX-License-Identifier: BSD-2-Clause */
/* SHA-256 for the HTML page's Content-Security-Policy hashes. */
#ifndef SW_CLI_SHA256_H
#define SW_CLI_SHA256_H

#include <stddef.h>
#include <stdint.h>

void sw_sha256(const void *data, size_t len, uint8_t out[32]);
/* Base64 of the digest (44 characters and a NUL), as CSP's 'sha256-...'. */
void sw_sha256_b64(const void *data, size_t len, char out[45]);

#endif
