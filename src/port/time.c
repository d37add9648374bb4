/*
 * Monotonic clock. CLOCK_MONOTONIC, not gettimeofday(): deadlines must not move when
 * the wall clock is set.
 */
#include <time.h>

#include "../core/esp_tls_private.h"

int64_t esp_tls_time_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
