// SPDX-License-Identifier: Apache-2.0
/*
 * Shared by the TLS fuzz targets (fuzz_credentials, fuzz_client_record, fuzz_server_record):
 * a fixed EC P-256 certificate and key (CN fuzz.example, self-signed, valid until 2126), a
 * deterministic getrandom() for the fuzz process, and a socketpair fed with the fuzzer's bytes.
 * Included once per target (one translation unit each).
 */
#pragma once

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "esp_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* PEM, with the NUL counted in sizeof (as esp-tls wants PEM buffers) */
static const unsigned char s_fuzz_crt[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBnzCCAUSgAwIBAgIUPh92opXQ1AcwBM32pwxblAW33j0wCgYIKoZIzj0EAwIw\n"
    "FzEVMBMGA1UEAwwMZnV6ei5leGFtcGxlMCAXDTI2MTEyNjIyMDEzMFoYDzIxMjYx\n"
    "MTAyMjIwMTMwWjAXMRUwEwYDVQQDDAxmdXp6LmV4YW1wbGUwWTATBgcqhkjOPQIB\n"
    "BggqhkjOPQMBBwNCAAQDya/F4J/0IDXsItN9hnVdNiGJGoR5/NHBQ0MJ4X9GfvzD\n"
    "Wjde3BDOeQ84Nu9EnuZDrizowfE2HOl1Tjk8bPOio2wwajAdBgNVHQ4EFgQUFDm0\n"
    "+bs2fEOO1BGcN+TQIBbg6BUwHwYDVR0jBBgwFoAUFDm0+bs2fEOO1BGcN+TQIBbg\n"
    "6BUwDwYDVR0TAQH/BAUwAwEB/zAXBgNVHREEEDAOggxmdXp6LmV4YW1wbGUwCgYI\n"
    "KoZIzj0EAwIDSQAwRgIhAKjS8Zo8AxGBTPT4EblWbpwXAULfdKOID1QmT4D3QIP/\n"
    "AiEA1zdNkmbrc+4+ijCn12xCQJ59r8rAYYgfF+zlS18geQQ=\n"
    "-----END CERTIFICATE-----\n";
static const unsigned char s_fuzz_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgz4/HnxH0dAQOY66p\n"
    "Th6Qnn8BHOrC+dtDqmH38VMxxDqhRANCAAQDya/F4J/0IDXsItN9hnVdNiGJGoR5\n"
    "/NHBQ0MJ4X9GfvzDWjde3BDOeQ84Nu9EnuZDrizowfE2HOl1Tjk8bPOi\n"
    "-----END PRIVATE KEY-----\n";

/*
 * The library takes its randomness from getrandom(2) (src/backend/mbedtls/rng.c); this
 * definition overrides libc's in the fuzz binaries, so that a given input replays the same
 * handshake (client and server random, padding). PSA's own DRBG seeds itself through
 * syscall(SYS_getrandom) and stays random: key shares differ between runs.
 */
static uint64_t s_fuzz_rng_state;

static void fuzz_rng_reset(void)
{
    s_fuzz_rng_state = 0x9e3779b97f4a7c15ULL;
}

ssize_t getrandom(void *buf, size_t buflen, unsigned int flags)
{
    (void)flags;
    unsigned char *out = buf;
    for (size_t i = 0; i < buflen; i++) {
        s_fuzz_rng_state ^= s_fuzz_rng_state << 13;
        s_fuzz_rng_state ^= s_fuzz_rng_state >> 7;
        s_fuzz_rng_state ^= s_fuzz_rng_state << 17;
        out[i] = (unsigned char)(s_fuzz_rng_state >> 32);
    }
    return (ssize_t)buflen;
}

static void fuzz_setup(void)
{
    static int s_done;
    if (!s_done) {
        esp_log_level_set("*", ESP_LOG_NONE);
        s_done = 1;
    }
    fuzz_rng_reset();
}

/*
 * A connected socketpair: sv[0] for the library, sv[1] holds @p data (as much as fits in the
 * socket buffer) followed by end of file. The library's own writes pile up unread in sv[1].
 */
__attribute__((unused)) static int fuzz_socketpair(int sv[2], const uint8_t *data, size_t size)
{
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        return -1;
    }
    fcntl(sv[1], F_SETFL, O_NONBLOCK);
    while (size > 0) {
        ssize_t n = send(sv[1], data, size, MSG_NOSIGNAL);
        if (n <= 0) {
            break;
        }
        data += n;
        size -= (size_t)n;
    }
    shutdown(sv[1], SHUT_WR);
    return 0;
}
