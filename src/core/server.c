// SPDX-License-Identifier: Apache-2.0
/*
 * Server sessions on sockets the application accepted (esp_tls_server_session_create() and
 * friends). The socket belongs to the caller: esp_tls_server_session_delete() leaves it open,
 * esp_tls_conn_destroy() closes it.
 */
#include <fcntl.h>
#include <poll.h>

#include "../conn/conn.h"
#include "../diag/diag.h"
#include "../mem/mem.h"
#include "../port/port.h"
#include "backend.h"
#include "bio.h"
#include "esp_log.h"
#include "features.h"
#include "tcp.h"

static const char *TAG = "esp-tls";

#define ESP_TLS_DEFAULT_SERVER_HANDSHAKE_TIMEOUT_MS 10000

esp_err_t esp_tls_server_session_init(esp_tls_cfg_server_t *cfg, int sockfd, esp_tls_t *tls)
{
    /* A bad socket is not refused here: as on ESP-IDF, the handshake then fails (negative). */
    ESP_ENSURE_LOG(cfg != NULL && tls != NULL, ESP_ERR_INVALID_ARG,
                   "server session: invalid arguments (cfg=%p, sockfd=%d, tls=%p)", (void *)cfg,
                   sockfd, (void *)tls);
    /* replacing the session would leak it and its socket: the caller deletes it first */
    ESP_ENSURE_LOG(tls->priv == NULL, ESP_ERR_INVALID_STATE,
                   "[sock=%d] server session: this handle already has a session (delete it, or "
                   "use a new handle from esp_tls_init())",
                   tls->sockfd);
    tls->role = ESP_TLS_SERVER;
    tls->sockfd = sockfd;
    tls->is_tls = true;
    esp_tls_tcp_nodelay(sockfd);
    int flags = fcntl(sockfd, F_GETFL, 0);
    tls->non_block = flags >= 0 && (flags & O_NONBLOCK);
    esp_err_t rc = esp_tls_server_features_check(cfg);
    if (rc == ESP_OK) {
        rc = tls->ops->server_create(tls, cfg);
    }
    if (rc != ESP_OK) {
        esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_ESP, rc);
        tls->conn_state = ESP_TLS_FAIL;
        return ESP_FAIL;
    }
    tls->conn_state = ESP_TLS_HANDSHAKE;
    return ESP_OK;
}

int esp_tls_server_session_continue_async(esp_tls_t *tls)
{
    if (tls == NULL || tls->priv == NULL || tls->role != ESP_TLS_SERVER) {
        ESP_LOGE(TAG, "server session: not initialised");
        return ESP_FAIL;
    }
    if (tls->conn_state == ESP_TLS_DONE) {
        return 0;
    }
    esp_tls_bio_begin_call(tls);
    bool retry = false; /* a server has no second attempt */
    int rc = tls->ops->handshake(tls, &retry);
    if (rc == 0) {
        /* DONE (ESP-IDF leaves the state as it was): read and write check for it */
        tls->conn_state = ESP_TLS_DONE;
        tls->wait = ESP_TLS_WAIT_NONE;
    } else if (rc == ESP_TLS_ERR_SSL_WANT_READ || rc == ESP_TLS_ERR_SSL_WANT_WRITE) {
        tls->wait = rc == ESP_TLS_ERR_SSL_WANT_READ ? ESP_TLS_WAIT_READ : ESP_TLS_WAIT_WRITE;
    } else {
        tls->conn_state = ESP_TLS_FAIL; /* the backend captured the cause */
    }
    return rc;
}

/* Handshake steps until done, failed, or the deadline; waits in poll(), never spins. */
static int handshake_until(esp_tls_t *tls, int64_t deadline)
{
    for (;;) {
        int rc = esp_tls_server_session_continue_async(tls);
        if (rc != ESP_TLS_ERR_SSL_WANT_READ && rc != ESP_TLS_ERR_SSL_WANT_WRITE) {
            return rc;
        }
        int left = esp_tls_ms_left(deadline);
        if (left == 0) {
            ESP_LOGE(TAG, "[sock=%d] server handshake not done within the timeout", tls->sockfd);
            esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_ESP,
                            ESP_ERR_ESP_TLS_SERVER_HANDSHAKE_TIMEOUT);
            tls->conn_state = ESP_TLS_FAIL;
            return ESP_ERR_ESP_TLS_SERVER_HANDSHAKE_TIMEOUT;
        }
        esp_tls_poll_fd(tls->sockfd, tls->wait, left);
    }
}

int esp_tls_server_session_create(esp_tls_cfg_server_t *cfg, int sockfd, esp_tls_t *tls)
{
    esp_err_t init = esp_tls_server_session_init(cfg, sockfd, tls);
    if (init != ESP_OK) {
        return init;
    }
    uint32_t ms = cfg->tls_handshake_timeout_ms ? cfg->tls_handshake_timeout_ms
                                                : ESP_TLS_DEFAULT_SERVER_HANDSHAKE_TIMEOUT_MS;
    /* The deadline also bounds each read on a blocking socket (core/bio.c), so a client that
     * connects and says nothing cannot hold this call (ESP-IDF v5.5 checks the deadline only
     * between handshake steps, so such a client blocks it). */
    int64_t deadline = esp_tls_time_ms() + ms;
    tls->deadline_ms = deadline;
    int rc = handshake_until(tls, deadline);
    tls->deadline_ms = 0;
    return rc;
}

void esp_tls_server_session_delete(esp_tls_t *tls)
{
    if (tls == NULL) {
        return;
    }
    if (tls->priv != NULL) {
        tls->ops->destroy(tls);
    }
    esp_tls_diag_free(tls);
    esp_tls_mem_free(tls); /* the socket stays open: its owner closes it */
}
