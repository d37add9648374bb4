// SPDX-License-Identifier: Apache-2.0
/*
 * Clocks. Deadlines use CLOCK_MONOTONIC, not gettimeofday(): they must not move when the
 * wall clock is set. Certificate validity uses the wall clock, which esp_tls_verify_chain()
 * can replace for the calling thread only.
 */
#include <pthread.h>
#include <time.h>

#include "mbedtls/platform.h"
#include "mbedtls/platform_time.h"
#include "port.h"

int64_t esp_tls_time_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#if defined(MBEDTLS_PLATFORM_TIME_ALT)
static _Thread_local int64_t s_validation_time; /* 0: the wall clock */

static mbedtls_time_t wall_or_override(mbedtls_time_t *out)
{
    mbedtls_time_t now = s_validation_time != 0 ? (mbedtls_time_t)s_validation_time : time(NULL);
    if (out != NULL) {
        *out = now;
    }
    return now;
}

/* Until a thread sets a validation time, Mbed TLS's own default (the generated configuration's
 * MBEDTLS_PLATFORM_STD_TIME, time()) gives the same answer: the hook is installed with the first
 * override, once, not at load time. */
static pthread_once_t s_time_once = PTHREAD_ONCE_INIT;

static void install_time(void)
{
    mbedtls_platform_set_time(wall_or_override);
}

bool esp_tls_set_validation_time(int64_t when)
{
    pthread_once(&s_time_once, install_time);
    s_validation_time = when;
    return true;
}
#else
bool esp_tls_set_validation_time(int64_t when)
{
    return when == 0;
}
#endif
