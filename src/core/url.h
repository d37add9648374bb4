// SPDX-License-Identifier: Apache-2.0
/*
 * URL splitting for esp_tls_conn_http_new_*: scheme, host and port only.
 */
#pragma once

#include <stddef.h>

#include "../port/guard.h"
#include "esp_err.h"

typedef struct {
    const char *host; /* points into the URL; IPv6 brackets excluded */
    size_t host_len;
    int port; /* explicit port, else 443 for https, 80 for http */
} esp_tls_url_t;

/**
 * Split @p url ("scheme://[user@]host[:port][/path][?query][#fragment]").
 * @return ESP_OK, or ESP_ERR_INVALID_ARG for a malformed URL (a reason is logged).
 */
esp_err_t esp_tls_url_parse(const char *url, esp_tls_url_t *out) ESP_MUST_CHECK;

/**
 * The same split as esp_tls_url_parse() for any scheme, without a default port: @p out->port
 * is the explicit port, or 0 when the URL has none. esp_http_client takes its host and port
 * from here, so that every part of the library reads a URL's host the same way.
 * @return ESP_OK, or ESP_ERR_INVALID_ARG for a malformed URL (a reason is logged).
 */
esp_err_t esp_tls_url_authority(const char *url, esp_tls_url_t *out) ESP_MUST_CHECK;

/**
 * @p url as it may be logged: without its user info (which may hold a password), bytes outside
 * printable ASCII escaped, cut to fit @p size. Returns @p buf.
 */
const char *esp_tls_url_loggable(const char *url, char *buf, size_t size);
