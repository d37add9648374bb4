// SPDX-License-Identifier: Apache-2.0
/*
 * Private state of esp_http_client, shared by the request/response engine (http_client.c),
 * the URL handling (http_url.c), the header list (http_header.c) and authentication
 * (http_auth.c).
 */
#pragma once

#include <http_parser.h>
#include <stdbool.h>
#include <stdint.h>

#include "../port/guard.h"
#include "esp_http_client.h"
#include "esp_transport.h"

#define HTTP_DEFAULT_TIMEOUT_MS 5000
#define HTTP_DEFAULT_MAX_REDIRECT 10
#define HTTP_DEFAULT_MAX_AUTH_RETRIES 1
#define HTTP_DEFAULT_USER_AGENT "ESP32 HTTP Client/1.0"

/* One request header (a singly linked list, in the order set). */
typedef struct http_header_item {
    char *key;
    char *value;
    struct http_header_item *next;
} http_header_item_t;

typedef http_header_item_t *http_header_list_t;

/* Where a request is (states only grow within one request). */
typedef enum {
    HTTP_STATE_UNINIT = 0,   /* not connected */
    HTTP_STATE_INIT,         /* connected, idle */
    HTTP_STATE_CONNECTING,   /* async connect under way */
    HTTP_STATE_REQ_HEADERS,  /* request head sent */
    HTTP_STATE_REQ_COMPLETE, /* request body sent */
    HTTP_STATE_RES_HEADERS,  /* response head parsed */
    HTTP_STATE_RES_COMPLETE, /* response body read to its end */
} http_state_t;

/* The parts of the URL in use. */
typedef struct {
    char *scheme;
    char *host;
    int port;
    char *path;
    char *query;
    char *username;
    char *password;
    esp_http_client_auth_type_t auth_type;
    esp_http_client_method_t method;
} http_connection_info_t;

/* The current response. */
typedef struct {
    int status_code;
    int64_t content_length; /* -1 when chunked or unknown */
    int64_t data_read;      /* body bytes delivered */
    bool chunked;
    bool complete;        /* the parser saw the message's end */
    bool keep_alive;      /* the connection may carry the next request */
    bool head_done;       /* the final (non-1xx) response's head is parsed */
    char *location;       /* Location header, owned */
    char *auth_challenge; /* WWW-Authenticate value, owned */
    char *cur_key;        /* header being parsed */
    char *cur_value;
    bool in_value;    /* last callback was a value */
    int chunk_length; /* size of the current chunk */
    bool cut;         /* the connection ended before the body did */
} http_response_t;

struct esp_http_client {
    esp_http_client_config_t cfg; /* copy; its strings are not used after init */
    http_connection_info_t info;
    http_header_list_t headers;
    http_response_t res;
    esp_transport_list_handle_t transports;
    esp_transport_handle_t transport; /* the one connected, or NULL */
    esp_transport_keep_alive_t keep_alive;
    char *conn_host; /* where transport is connected */
    int conn_port;
    http_parser parser;
    http_parser_settings settings;
    http_state_t state;
    char *rx;       /* buffer_size raw bytes */
    int rx_pos;     /* first unparsed byte */
    int rx_len;     /* end of received bytes */
    char *user_buf; /* esp_http_client_read() target while parsing */
    int user_len;
    int user_got;
    bool deliver_events; /* ON_DATA for parsed body bytes */
    char *tx;            /* buffer_size_tx bytes for the request head */
    int tx_len;
    const char *post_data;
    int post_len;
    int write_len; /* what esp_http_client_open() announced */
    int redirect_count;
    int auth_count;
    bool process_again;
    char *auth_header; /* Authorization value prepared for the next request */
    int digest_nc;
    int tls_error_code;
    int tls_flags;
    esp_err_t tls_error;
};

/* Transports (http_transport.c) */
esp_err_t http_transports_init(esp_http_client_handle_t h);

/* The method's name ("GET" for an unknown one) */
const char *http_method_name(esp_http_client_method_t m);

/* Response parsing (http_parse.c) */
void http_parse_start(esp_http_client_handle_t c);
void http_parse_free(esp_http_client_handle_t c);
/* Parse at most @p max buffered raw bytes: 0, or -1 on malformed input (logged). */
int http_parse_feed(esp_http_client_handle_t c, int max);
/* The peer closed: 0 if that ends the message, else -1. */
int http_parse_eof(esp_http_client_handle_t c);

/* Connection and response (http_client.c) */
esp_err_t http_connect(esp_http_client_handle_t c);
esp_err_t http_update_host_header(esp_http_client_handle_t c);
/* The response was read to its end: reuse checks, session save. */
void http_response_done(esp_http_client_handle_t c);
/* Body bytes into @p buf (NULL: events only) up to @p len: bytes, -1, or -ESP_ERR_HTTP_EAGAIN */
int http_read_body(esp_http_client_handle_t c, char *buf, int len);

/* Events */
esp_err_t http_dispatch(esp_http_client_handle_t c, esp_http_client_event_id_t id, void *data,
                        int len);

/* URL (http_url.c) */
esp_err_t http_url_apply(esp_http_client_handle_t c, const char *url);
esp_err_t http_url_from_config(esp_http_client_handle_t c, const esp_http_client_config_t *cfg);
char *http_url_format(esp_http_client_handle_t c);
int http_default_port(const char *scheme);

/* Request headers (http_header.c) */
esp_err_t http_header_set(http_header_list_t *list, const char *key, const char *value);
const char *http_header_get(http_header_list_t list, const char *key);
bool http_header_delete(http_header_list_t *list, const char *key);
void http_header_clear(http_header_list_t *list);

/* Strings */
/** Wipe a NUL-terminated string (it may hold credentials) and free it; NULL is ignored. */
void http_str_free(char *s);
esp_err_t http_str_set(char **dst, const char *src);
char *http_str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Authentication (http_auth.c) */
esp_err_t http_auth_prepare(esp_http_client_handle_t c);
esp_err_t http_auth_from_challenge(esp_http_client_handle_t c);
char *http_auth_basic(const char *user, const char *password);
char *http_auth_digest(const char *user, const char *password, const char *method, const char *uri,
                       const char *challenge, int nc);
