// SPDX-License-Identifier: Apache-2.0
/*
 * Generic transport layer: handles, lists, dispatch to each transport's hooks, and the error
 * storage shared with esp_tls (transport_internal.h). Return values for NULL handles and missing
 * hooks are ESP-IDF's.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "../mem/mem.h"
#include "esp_log.h"
#include "transport_internal.h"

static const char *TAG = "transport";

/* esp_tls finds the errno slot at this offset behind any error handle (core/error.c). */
_Static_assert(offsetof(esp_transport_error_storage_t, parent) == 0, "tracker first");
_Static_assert(offsetof(esp_transport_error_storage_t, sock_errno) == sizeof(esp_tls_last_error_t),
               "errno slot right behind the public slots, as esp_tls expects");

struct esp_transport_list_t {
    esp_transport_handle_t head;
    esp_transport_handle_t tail;
};

/* ---- lists --------------------------------------------------------------------------------- */

esp_transport_list_handle_t esp_transport_list_init(void)
{
    esp_transport_list_handle_t list = esp_tls_mem_calloc(1, sizeof(*list));
    if (list == NULL) {
        ESP_LOGE(TAG, "out of memory for a transport list");
    }
    return list;
}

static char *copy_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = esp_tls_mem_calloc(1, n);
    if (copy != NULL) {
        memcpy(copy, s, n);
    }
    return copy;
}

static bool in_list(const struct esp_transport_list_t *list, const struct esp_transport_item_t *t)
{
    for (const struct esp_transport_item_t *it = list->head; it != NULL; it = it->next) {
        if (it == t) {
            return true;
        }
    }
    return false;
}

esp_err_t esp_transport_list_add(esp_transport_list_handle_t list, esp_transport_handle_t t,
                                 const char *scheme)
{
    ESP_ENSURE_LOG(list && t && scheme, ESP_ERR_INVALID_ARG,
                   "invalid arguments: list=%p t=%p scheme=%p", (void *)list, (void *)t,
                   (const void *)scheme);
    char *copy = copy_string(scheme);
    ESP_ENSURE_LOG(copy != NULL, ESP_ERR_NO_MEM, "out of memory for scheme %s", scheme);
    esp_tls_mem_free(t->scheme);
    t->scheme = copy;
    if (in_list(list, t)) {
        return ESP_OK; /* added again: only the scheme changes (no cycle in the list) */
    }
    t->next = NULL;
    if (list->tail != NULL) {
        list->tail->next = t;
    } else {
        list->head = t;
    }
    list->tail = t;
    return ESP_OK;
}

esp_transport_handle_t esp_transport_list_get_transport(esp_transport_list_handle_t list,
                                                        const char *scheme)
{
    if (list == NULL) {
        return NULL;
    }
    if (scheme == NULL) {
        return list->head;
    }
    for (esp_transport_handle_t t = list->head; t != NULL; t = t->next) {
        if (t->scheme != NULL && strcasecmp(t->scheme, scheme) == 0) {
            return t;
        }
    }
    return NULL;
}

esp_err_t esp_transport_list_clean(esp_transport_list_handle_t list)
{
    ESP_ENSURE(list != NULL, ESP_ERR_INVALID_ARG);
    esp_transport_handle_t t = list->head;
    while (t != NULL) {
        esp_transport_handle_t next = t->next;
        esp_transport_destroy(t);
        t = next;
    }
    list->head = NULL;
    list->tail = NULL;
    return ESP_OK;
}

esp_err_t esp_transport_list_destroy(esp_transport_list_handle_t list)
{
    ESP_ENSURE(list != NULL, ESP_FAIL);
    esp_transport_list_clean(list);
    esp_tls_mem_free(list);
    return ESP_OK;
}

/* ---- handles ------------------------------------------------------------------------------- */

esp_transport_handle_t esp_transport_init(void)
{
    esp_transport_handle_t t = esp_tls_mem_calloc(1, sizeof(*t));
    if (t == NULL) {
        ESP_LOGE(TAG, "out of memory for a transport");
    }
    return t;
}

esp_err_t esp_transport_destroy(esp_transport_handle_t t)
{
    if (t == NULL) {
        return ESP_OK;
    }
    if (t->_destroy != NULL) {
        t->_destroy(t);
    }
    esp_tls_mem_free(t->scheme);
    esp_tls_mem_free(t);
    return ESP_OK;
}

static esp_transport_handle_t default_parent(esp_transport_handle_t t)
{
    return t; /* a transport carries its own payload unless it says otherwise */
}

esp_err_t esp_transport_set_func(esp_transport_handle_t t, connect_func _connect,
                                 io_read_func _read, io_func _write, trans_func _close,
                                 poll_func _poll_read, poll_func _poll_write, trans_func _destroy)
{
    ESP_ENSURE(t != NULL, ESP_FAIL);
    t->_connect = _connect;
    t->_read = _read;
    t->_write = _write;
    t->_close = _close;
    t->_poll_read = _poll_read;
    t->_poll_write = _poll_write;
    t->_destroy = _destroy;
    t->_connect_async = NULL;
    t->_parent_transfer = default_parent;
    return ESP_OK;
}

esp_err_t esp_transport_set_async_connect_func(esp_transport_handle_t t,
                                               connect_async_func _connect_async_func)
{
    ESP_ENSURE(t != NULL, ESP_FAIL);
    t->_connect_async = _connect_async_func;
    return ESP_OK;
}

esp_err_t esp_transport_set_parent_transport_func(esp_transport_handle_t t,
                                                  payload_transfer_func _parent_transport)
{
    ESP_ENSURE(t != NULL, ESP_FAIL);
    t->_parent_transfer = _parent_transport;
    return ESP_OK;
}

esp_transport_handle_t esp_transport_get_payload_transport_handle(esp_transport_handle_t t)
{
    if (t == NULL || t->_parent_transfer == NULL) {
        return NULL;
    }
    return t->_parent_transfer(t);
}

void *esp_transport_get_context_data(esp_transport_handle_t t)
{
    return t ? t->data : NULL;
}

esp_err_t esp_transport_set_context_data(esp_transport_handle_t t, void *data)
{
    ESP_ENSURE(t != NULL, ESP_FAIL);
    t->data = data;
    return ESP_OK;
}

int esp_transport_get_default_port(esp_transport_handle_t t)
{
    return t ? t->port : -1;
}

esp_err_t esp_transport_set_default_port(esp_transport_handle_t t, int port)
{
    ESP_ENSURE(t != NULL, ESP_FAIL);
    t->port = port;
    return ESP_OK;
}

/* ---- dispatch ------------------------------------------------------------------------------ */

int esp_transport_connect(esp_transport_handle_t t, const char *host, int port, int timeout_ms)
{
    if (t == NULL || t->_connect == NULL) {
        return -1;
    }
    return t->_connect(t, host, port, timeout_ms);
}

int esp_transport_connect_async(esp_transport_handle_t t, const char *host, int port,
                                int timeout_ms)
{
    if (t == NULL || t->_connect_async == NULL) {
        return -1;
    }
    return t->_connect_async(t, host, port, timeout_ms);
}

int esp_transport_read(esp_transport_handle_t t, char *buffer, int len, int timeout_ms)
{
    if (t == NULL || t->_read == NULL) {
        return -1;
    }
    return t->_read(t, buffer, len, timeout_ms);
}

int esp_transport_write(esp_transport_handle_t t, const char *buffer, int len, int timeout_ms)
{
    if (t == NULL || t->_write == NULL) {
        return -1;
    }
    return t->_write(t, buffer, len, timeout_ms);
}

int esp_transport_poll_read(esp_transport_handle_t t, int timeout_ms)
{
    if (t == NULL || t->_poll_read == NULL) {
        return -1;
    }
    return t->_poll_read(t, timeout_ms);
}

int esp_transport_poll_write(esp_transport_handle_t t, int timeout_ms)
{
    if (t == NULL || t->_poll_write == NULL) {
        return -1;
    }
    return t->_poll_write(t, timeout_ms);
}

int esp_transport_close(esp_transport_handle_t t)
{
    if (t == NULL || t->_close == NULL) {
        return 0;
    }
    return t->_close(t);
}

int esp_transport_get_socket(esp_transport_handle_t t)
{
    if (t == NULL || t->_get_socket == NULL) {
        return -1;
    }
    return t->_get_socket(t);
}

/* ---- errors -------------------------------------------------------------------------------- */

esp_tls_error_handle_t esp_transport_get_error_handle(esp_transport_handle_t t)
{
    if (t == NULL || t->err == NULL) {
        return NULL;
    }
    return &t->err->parent;
}

int esp_transport_get_errno(esp_transport_handle_t t)
{
    if (t == NULL || t->err == NULL) {
        return -1;
    }
    int e = t->err->sock_errno;
    t->err->sock_errno = 0;
    return e;
}

void esp_transport_capture_errno(esp_transport_handle_t t, int sock_errno)
{
    if (t != NULL && t->err != NULL) {
        t->err->sock_errno = sock_errno;
    }
}

void esp_transport_capture_error(esp_transport_handle_t t, enum esp_tcp_transport_err_t error)
{
    if (t == NULL || t->err == NULL) {
        return;
    }
    esp_err_t code = ESP_FAIL;
    switch (error) {
    case ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN: code = ESP_ERR_ESP_TLS_TCP_CLOSED_FIN; break;
    case ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT: code = ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT; break;
    case ERR_TCP_TRANSPORT_CONNECTION_FAILED: code = ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST; break;
    case ERR_TCP_TRANSPORT_NO_MEM: code = ESP_ERR_NO_MEM; break;
    }
    t->err->parent.last_error = code;
}

void esp_transport_set_errors(esp_transport_handle_t t, esp_tls_error_handle_t error_handle)
{
    if (t == NULL || t->err == NULL || error_handle == NULL) {
        return;
    }
    t->err->parent = *error_handle;
    int sock_errno = 0;
    if (esp_tls_get_and_clear_error_type(error_handle, ESP_TLS_ERR_TYPE_SYSTEM, &sock_errno) ==
        ESP_OK) {
        t->err->sock_errno = sock_errno;
    }
}

esp_err_t esp_transport_translate_error(enum esp_tcp_transport_err_t error)
{
    switch (error) {
    case ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN:
        return ESP_ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN;
    case ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT: return ESP_ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT;
    case ERR_TCP_TRANSPORT_CONNECTION_FAILED: return ESP_ERR_TCP_TRANSPORT_CONNECTION_FAILED;
    case ERR_TCP_TRANSPORT_NO_MEM: return ESP_ERR_TCP_TRANSPORT_NO_MEM;
    }
    return ESP_FAIL;
}
