// SPDX-License-Identifier: Apache-2.0
/*
 * Guard macros: uniform error propagation for functions returning esp_err_t.
 */
#pragma once

#include "esp_err.h"

#define ESP_MUST_CHECK __attribute__((warn_unused_result))

/** Return the error of @p x if it is not ESP_OK. */
#define ESP_GUARD(x)                                                                               \
    do {                                                                                           \
        esp_err_t guard_rc_ = (x);                                                                 \
        if (guard_rc_ != ESP_OK) {                                                                 \
            return guard_rc_;                                                                      \
        }                                                                                          \
    } while (0)

/** Return @p err unless @p cond holds. */
#define ESP_ENSURE(cond, err)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            return (err);                                                                          \
        }                                                                                          \
    } while (0)

/** Return @p err unless @p cond holds, logging @p ... at error level under TAG. */
#define ESP_ENSURE_LOG(cond, err, ...)                                                             \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            ESP_LOGE(TAG, __VA_ARGS__);                                                            \
            return (err);                                                                          \
        }                                                                                          \
    } while (0)

/** Return @p err unconditionally (readable form for error exits). */
#define ESP_BAIL(err) return (err)
