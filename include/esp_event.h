// SPDX-License-Identifier: Apache-2.0
/**
 * @file esp_event.h
 * @brief The event base type of ESP-IDF's esp_event component, as far as the HTTP client and
 *        HTTPS OTA headers need it.
 *
 * ESP-IDF components name their events with an event base (a string constant declared with
 * ESP_EVENT_DECLARE_BASE and defined once with ESP_EVENT_DEFINE_BASE). This library has no
 * default event loop: the bases exist so that code comparing or logging them compiles, and the
 * HTTP client delivers its events through the config's event_handler only (see docs/COMPAT.md).
 */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

/** An event base: a unique string naming a family of events. */
typedef const char *esp_event_base_t;

/** Declare an event base (in a header). */
#define ESP_EVENT_DECLARE_BASE(id) extern esp_event_base_t const id

/** Define an event base (in exactly one source file). */
#define ESP_EVENT_DEFINE_BASE(id) esp_event_base_t const id = #id

/** Any event base (ESP-IDF's wildcard value). */
#define ESP_EVENT_ANY_BASE NULL

/** Any event id (ESP-IDF's wildcard value). */
#define ESP_EVENT_ANY_ID -1

#ifdef __cplusplus
}
#endif
