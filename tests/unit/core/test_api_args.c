// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of src/core/esp_tls.c and src/core/tcp.c: argument handling and the return
 * conventions of every public function (ESP-IDF's return values and error captures). Network:
 * 127.0.0.1 only.
 */
#include <errno.h>
#include <fcntl.h>

#include "unit_support.h"

#include "conn/conn.h"
#include "esp_tls.h"
#include "esp_tls_ext.h"
#include "mbedtls/ssl_ciphersuites.h"

typedef struct {
    esp_tls_last_error_t e;
    int sock_errno;
} caller_storage_t;

static esp_tls_t *new_handle(void)
{
    esp_tls_t *tls = esp_tls_init();
    assert_non_null(tls);
    return tls;
}

static esp_err_t last_error_of(esp_tls_t *tls)
{
    esp_tls_error_handle_t h = NULL;
    assert_int_equal(esp_tls_get_error_handle(tls, &h), ESP_OK);
    return esp_tls_get_and_clear_last_error(h, NULL, NULL);
}

/* ---- read / write ------------------------------------------------------------------------ */

static void test_io_null_tls(void **state)
{
    (void)state;
    char buf[8] = "abc";
    assert_int_equal(esp_tls_conn_write(NULL, buf, 3), -1);
    assert_int_equal(esp_tls_conn_read(NULL, buf, sizeof(buf)), -1);
    assert_int_equal(esp_tls_conn_read(NULL, NULL, 0), -1);
}

static void test_io_write_null_data(void **state)
{
    (void)state;
    esp_tls_t *tls = new_handle();
    assert_int_equal(esp_tls_conn_write(tls, NULL, 3), -1);
    assert_int_equal(esp_tls_conn_write(tls, NULL, 0), -1);
    assert_int_equal(esp_tls_conn_destroy(tls), 0);
}

static void test_io_unconnected_handle(void **state)
{
    (void)state;
    esp_tls_t *tls = new_handle();
    char buf[16] = "hello";
    assert_int_equal(esp_tls_conn_write(tls, buf, 5), -1);
    assert_int_equal(esp_tls_conn_read(tls, buf, sizeof(buf)), -1);
    assert_int_equal(esp_tls_conn_read(tls, NULL, 0), -1);
    /* -1 and nothing captured (ESP-IDF v5.5.2 calls a NULL function pointer here) */
    assert_int_equal(last_error_of(tls), ESP_OK);
    assert_int_equal(esp_tls_conn_destroy(tls), 0);
}

static void test_io_connected_plain_tcp(void **state)
{
    (void)state;
    int port = 0;
    int lfd = unit_listener(&port);
    assert_true(lfd >= 0);
    esp_tls_cfg_t cfg = {.is_plain_tcp = true, .timeout_ms = 2000};
    esp_tls_t *tls = new_handle();
    assert_int_equal(esp_tls_conn_new_sync("127.0.0.1", 9, port, &cfg, tls), 1);
    esp_tls_conn_state_t st;
    assert_int_equal(esp_tls_get_conn_state(tls, &st), ESP_OK);
    assert_int_equal(st, ESP_TLS_DONE);
    int peer = accept(lfd, NULL, NULL);
    assert_true(peer >= 0);

    /* NULL data is rejected even on a connected handle (send(fd, NULL, 0) would be 0) */
    assert_int_equal(esp_tls_conn_write(tls, NULL, 0), -1);
    assert_int_equal(esp_tls_conn_write(tls, NULL, 3), -1);

    /* plain TCP: send()/recv() results */
    assert_int_equal(esp_tls_conn_write(tls, "abc", 3), 3);
    char buf[8] = {0};
    assert_int_equal(recv(peer, buf, sizeof(buf), 0), 3);
    assert_memory_equal(buf, "abc", 3);
    assert_int_equal(send(peer, "wxyz", 4, 0), 4);
    memset(buf, 0, sizeof(buf));
    assert_int_equal(esp_tls_conn_read(tls, buf, sizeof(buf)), 4);
    assert_memory_equal(buf, "wxyz", 4);
    assert_int_equal(esp_tls_get_bytes_avail(tls), 0);
    /* connecting again on a connected handle fails (state DONE, src/core/esp_tls.c) */
    assert_int_equal(esp_tls_conn_new_sync("127.0.0.1", 9, port, &cfg, tls), -1);
    assert_int_equal(esp_tls_conn_new_async("127.0.0.1", 9, port, &cfg, tls), -1);
    assert_int_equal(esp_tls_get_conn_state(tls, &st), ESP_OK);
    assert_int_equal(st, ESP_TLS_DONE);
    close(peer);
    assert_int_equal(esp_tls_conn_read(tls, buf, sizeof(buf)), 0); /* peer closed */

    int fd = -1;
    assert_int_equal(esp_tls_get_conn_sockfd(tls, &fd), ESP_OK);
    assert_true(fd >= 0);
    assert_int_equal(esp_tls_conn_destroy(tls), 0);
    errno = 0;
    assert_int_equal(fcntl(fd, F_GETFD), -1); /* destroy closed the socket */
    assert_int_equal(errno, EBADF);
    close(lfd);
}

/* ---- lifetime ---------------------------------------------------------------------------- */

static void test_init_destroy(void **state)
{
    (void)state;
    assert_int_equal(esp_tls_conn_destroy(NULL), -1);
    esp_tls_t *tls = esp_tls_init();
    assert_non_null(tls);
    esp_tls_conn_state_t st = ESP_TLS_FAIL;
    assert_int_equal(esp_tls_get_conn_state(tls, &st), ESP_OK);
    assert_int_equal(st, ESP_TLS_INIT);
    int fd = 1234;
    assert_int_equal(esp_tls_get_conn_sockfd(tls, &fd), ESP_OK);
    assert_int_equal(fd, -1);
    assert_int_equal(esp_tls_conn_destroy(tls), 0);
}

static size_t lib_bytes_in_use(size_t *allocations)
{
    esp_tls_mem_stats_t st;
    memset(&st, 0xFF, sizeof(st));
    esp_tls_get_mem_stats(&st);
    if (allocations) {
        *allocations = st.allocations;
    }
    return st.current_bytes;
}

static void test_init_destroy_frees_everything(void **state)
{
    (void)state;
    size_t allocs_before = 0, allocs_after = 0;
    size_t before = lib_bytes_in_use(&allocs_before);
    esp_tls_t *tls = esp_tls_init();
    assert_non_null(tls);
    size_t during = lib_bytes_in_use(NULL);
    assert_true(during > before); /* the handle is counted ... */
    assert_int_equal(esp_tls_conn_destroy(tls), 0);
    assert_int_equal(lib_bytes_in_use(&allocs_after), before); /* ... and given back */
    assert_true(allocs_after > allocs_before);
}

static void test_destroy_closes_recorded_socket(void **state)
{
    (void)state;
    esp_tls_t *tls = new_handle();
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(esp_tls_set_conn_sockfd(tls, fd), ESP_OK);
    assert_int_equal(esp_tls_conn_destroy(tls), 0);
    errno = 0;
    assert_int_equal(fcntl(fd, F_GETFD), -1);
    assert_int_equal(errno, EBADF);
}

static void test_bytes_avail(void **state)
{
    (void)state;
    assert_int_equal(esp_tls_get_bytes_avail(NULL), -1);
    esp_tls_t *tls = new_handle();
    assert_int_equal(esp_tls_get_bytes_avail(tls), 0);
    assert_int_equal(esp_tls_conn_destroy(tls), 0);
}

/* ---- getters and setters ----------------------------------------------------------------- */

static void test_sockfd_get_set(void **state)
{
    (void)state;
    int fd = 77;
    assert_int_equal(esp_tls_get_conn_sockfd(NULL, &fd), ESP_ERR_INVALID_ARG);
    assert_int_equal(fd, 77);
    assert_int_equal(esp_tls_set_conn_sockfd(NULL, 3), ESP_ERR_INVALID_ARG);

    esp_tls_t *tls = new_handle();
    assert_int_equal(esp_tls_get_conn_sockfd(tls, NULL), ESP_ERR_INVALID_ARG);
    const int bad[] = {-1, -2, -1000};
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(bad); i++) {
        assert_int_equal(esp_tls_set_conn_sockfd(tls, bad[i]), ESP_ERR_INVALID_ARG);
        assert_int_equal(esp_tls_get_conn_sockfd(tls, &fd), ESP_OK);
        assert_int_equal(fd, -1); /* unchanged */
    }
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(s >= 0);
    assert_int_equal(esp_tls_set_conn_sockfd(tls, s), ESP_OK);
    assert_int_equal(esp_tls_get_conn_sockfd(tls, &fd), ESP_OK);
    assert_int_equal(fd, s);
    assert_int_equal(esp_tls_conn_destroy(tls), 0); /* closes s */
}

/* ESP_TLS_DONE set by hand on a handle whose connect failed (no TLS session): read and write
 * fail, they do not reach a backend context that does not exist. */
static void test_io_done_without_session(void **state)
{
    (void)state;
    esp_tls_t *tls = new_handle();
    esp_tls_cfg_t cfg = {.timeout_ms = 2000};
    int port = unit_closed_port();
    assert_int_equal(esp_tls_conn_new_sync("127.0.0.1", 9, port, &cfg, tls), -1);
    assert_int_equal(esp_tls_set_conn_state(tls, ESP_TLS_DONE), ESP_OK);
    char buf[16] = "hello";
    assert_int_equal(esp_tls_conn_read(tls, buf, sizeof(buf)), -1);
    assert_int_equal(esp_tls_conn_write(tls, buf, 5), -1);
    assert_int_equal(esp_tls_get_bytes_avail(tls), 0);
    esp_tls_conn_destroy(tls);
}

static void test_conn_state_get_set(void **state)
{
    (void)state;
    esp_tls_conn_state_t st = ESP_TLS_DONE;
    assert_int_equal(esp_tls_get_conn_state(NULL, &st), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_tls_set_conn_state(NULL, ESP_TLS_INIT), ESP_ERR_INVALID_ARG);

    esp_tls_t *tls = new_handle();
    assert_int_equal(esp_tls_get_conn_state(tls, NULL), ESP_ERR_INVALID_ARG);
    const int bad[] = {-1, ESP_TLS_DONE + 1, 100};
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(bad); i++) {
        assert_int_equal(esp_tls_set_conn_state(tls, (esp_tls_conn_state_t)bad[i]),
                         ESP_ERR_INVALID_ARG);
        assert_int_equal(esp_tls_get_conn_state(tls, &st), ESP_OK);
        assert_int_equal(st, ESP_TLS_INIT); /* unchanged */
    }
    const esp_tls_conn_state_t good[] = {ESP_TLS_CONNECTING, ESP_TLS_HANDSHAKE, ESP_TLS_FAIL,
                                         ESP_TLS_DONE, ESP_TLS_INIT};
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(good); i++) {
        assert_int_equal(esp_tls_set_conn_state(tls, good[i]), ESP_OK);
        assert_int_equal(esp_tls_get_conn_state(tls, &st), ESP_OK);
        assert_int_equal(st, good[i]);
    }
    assert_int_equal(esp_tls_conn_destroy(tls), 0);
}

static void test_ssl_context_null(void **state)
{
    (void)state;
    assert_null(esp_tls_get_ssl_context(NULL));
}

static void test_error_handle_args(void **state)
{
    (void)state;
    esp_tls_error_handle_t h = (esp_tls_error_handle_t)(uintptr_t)0x1;
    assert_int_equal(esp_tls_get_error_handle(NULL, &h), ESP_ERR_INVALID_ARG);
    assert_ptr_equal(h, (esp_tls_error_handle_t)(uintptr_t)0x1);
    esp_tls_t *tls = new_handle();
    assert_int_equal(esp_tls_get_error_handle(tls, NULL), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_tls_get_error_handle(tls, &h), ESP_OK);
    assert_non_null(h);
    assert_int_equal(esp_tls_conn_destroy(tls), 0);
}

/* ---- esp_tls_conn_new_sync / _http_new_sync ---------------------------------------------- */

static void test_new_sync_null_args(void **state)
{
    (void)state;
    esp_tls_cfg_t cfg = {.timeout_ms = 300};
    esp_tls_t *tls = new_handle();
    assert_int_equal(esp_tls_conn_new_sync("127.0.0.1", 9, 443, NULL, tls), -1);
    assert_int_equal(esp_tls_conn_new_sync("127.0.0.1", 9, 443, &cfg, NULL), -1);
    assert_int_equal(esp_tls_conn_new_sync(NULL, 9, 443, &cfg, tls), -1);
    assert_int_equal(esp_tls_conn_new_sync("127.0.0.1", -1, 443, &cfg, tls), -1);
    esp_tls_conn_state_t st;
    assert_int_equal(esp_tls_get_conn_state(tls, &st), ESP_OK);
    assert_int_equal(st, ESP_TLS_INIT);
    assert_int_equal(esp_tls_conn_destroy(tls), 0);
}

typedef struct {
    const char *name;
    int hostlen; /* USE_STRLEN: strlen(host) */
    const char *host;
    int port;
} target_case_t;

#define USE_STRLEN INT32_MIN

static char s_long_host[256];

static void test_new_sync_bad_target(void **state)
{
    (void)state;
    memset(s_long_host, 'a', 254);
    s_long_host[254] = '\0';
    const target_case_t cases[] = {
        {"hostlen 254", 254, s_long_host, 443},
        {"hostlen 0", 0, "127.0.0.1", 443},
        {"port 0", USE_STRLEN, "127.0.0.1", 0},
        {"port -1", USE_STRLEN, "127.0.0.1", -1},
        {"port 65536", USE_STRLEN, "127.0.0.1", 65536},
        {"port 70000", USE_STRLEN, "127.0.0.1", 70000},
    };
    esp_tls_cfg_t cfg = {.timeout_ms = 300};
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(cases); i++) {
        const target_case_t *c = &cases[i];
        print_message("  %s\n", c->name);
        esp_tls_t *tls = new_handle();
        int len = c->hostlen == USE_STRLEN ? (int)strlen(c->host) : c->hostlen;
        assert_int_equal(esp_tls_conn_new_sync(c->host, len, c->port, &cfg, tls), -1);
        assert_int_equal(last_error_of(tls), ESP_ERR_INVALID_ARG);
        int fd = 0;
        assert_int_equal(esp_tls_get_conn_sockfd(tls, &fd), ESP_OK);
        assert_int_equal(fd, -1);
        assert_int_equal(esp_tls_conn_destroy(tls), 0);
    }
}

static void test_http_new_sync_null_args(void **state)
{
    (void)state;
    esp_tls_cfg_t cfg = {.timeout_ms = 300};
    esp_tls_t *tls = new_handle();
    assert_int_equal(esp_tls_conn_http_new_sync(NULL, &cfg, tls), -1);
    assert_int_equal(last_error_of(tls), ESP_ERR_INVALID_ARG); /* as esp_tls_conn_new_sync */
    assert_int_equal(esp_tls_conn_http_new_async(NULL, &cfg, tls), -1);
    assert_int_equal(last_error_of(tls), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_tls_conn_http_new_sync("https://127.0.0.1/", NULL, tls), -1);
    assert_int_equal(last_error_of(tls), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_tls_conn_http_new_sync("https://127.0.0.1/", &cfg, NULL), -1);
    assert_int_equal(esp_tls_conn_destroy(tls), 0);
}

static void test_http_new_sync_malformed_url(void **state)
{
    (void)state;
    static const char *const urls[] = {
        "",
        "127.0.0.1",
        "https://",
        "https://127.0.0.1:0/",
        "https://127.0.0.1:70000/",
        "ftp://127.0.0.1/",
        "https://[::1/",
    };
    esp_tls_cfg_t cfg = {.timeout_ms = 300};
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(urls); i++) {
        print_message("  \"%s\"\n", urls[i]);
        esp_tls_t *tls = new_handle();
        assert_int_equal(esp_tls_conn_http_new_sync(urls[i], &cfg, tls), -1);
        assert_int_equal(last_error_of(tls), ESP_ERR_INVALID_ARG);
        assert_int_equal(esp_tls_conn_destroy(tls), 0);
    }
}

static void test_new_async_null_args(void **state)
{
    (void)state;
    esp_tls_cfg_t cfg = {.timeout_ms = 300, .non_block = true};
    esp_tls_t *tls = new_handle();
    assert_int_equal(esp_tls_conn_new_async("127.0.0.1", 9, 443, NULL, tls), -1);
    assert_int_equal(esp_tls_conn_new_async("127.0.0.1", 9, 443, &cfg, NULL), -1);
    assert_int_equal(esp_tls_conn_new_async(NULL, 9, 443, &cfg, tls), -1);
    assert_int_equal(esp_tls_conn_new_async("127.0.0.1", -1, 443, &cfg, tls), -1);
    assert_int_equal(esp_tls_conn_http_new_async(NULL, &cfg, tls), -1);
    assert_int_equal(esp_tls_conn_http_new_async("https://127.0.0.1/", NULL, tls), -1);
    assert_int_equal(esp_tls_conn_http_new_async("https://127.0.0.1/", &cfg, NULL), -1);
    /* a bad target is rejected before any socket exists */
    assert_int_equal(esp_tls_conn_new_async("127.0.0.1", 9, 0, &cfg, tls), -1);
    assert_int_equal(last_error_of(tls), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_tls_conn_http_new_async("https://127.0.0.1:0/", &cfg, tls), -1);
    assert_int_equal(last_error_of(tls), ESP_ERR_INVALID_ARG);
    esp_tls_conn_state_t st;
    assert_int_equal(esp_tls_get_conn_state(tls, &st), ESP_OK);
    assert_int_equal(st, ESP_TLS_INIT);
    assert_int_equal(esp_tls_conn_destroy(tls), 0);
}

static void test_connect_on_failed_handle(void **state)
{
    (void)state;
    int port = 0;
    int lfd = unit_listener(&port);
    assert_true(lfd >= 0);
    /* a FAIL handle does not connect again, even to a reachable peer (state FAIL is final) */
    esp_tls_cfg_t cfg = {.is_plain_tcp = true, .timeout_ms = 2000};
    esp_tls_t *tls = new_handle();
    assert_int_equal(esp_tls_set_conn_state(tls, ESP_TLS_FAIL), ESP_OK);
    assert_int_equal(esp_tls_conn_new_sync("127.0.0.1", 9, port, &cfg, tls), -1);
    assert_int_equal(esp_tls_conn_new_async("127.0.0.1", 9, port, &cfg, tls), -1);
    int fd = 0;
    assert_int_equal(esp_tls_get_conn_sockfd(tls, &fd), ESP_OK);
    assert_int_equal(fd, -1);
    assert_int_equal(esp_tls_conn_destroy(tls), 0);
    close(lfd);
}

static void test_http_new_deprecated_connects(void **state)
{
    (void)state;
    int port = 0;
    int lfd = unit_listener(&port);
    assert_true(lfd >= 0);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/path", port);
    esp_tls_cfg_t cfg = {.is_plain_tcp = true, .timeout_ms = 2000};
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    esp_tls_t *tls = esp_tls_conn_http_new(url, &cfg);
    assert_non_null(tls);
    esp_tls_conn_state_t st;
    assert_int_equal(esp_tls_get_conn_state(tls, &st), ESP_OK);
    assert_int_equal(st, ESP_TLS_DONE);
    assert_int_equal(esp_tls_conn_destroy(tls), 0);
    /* a refused connection: NULL, and the handle it made is freed (valgrind: no leak) */
    close(lfd);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", unit_closed_port());
    assert_null(esp_tls_conn_http_new(url, &cfg));
#pragma GCC diagnostic pop
}

static void test_http_new_deprecated_null(void **state)
{
    (void)state;
    esp_tls_cfg_t cfg = {.timeout_ms = 300};
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    assert_null(esp_tls_conn_http_new(NULL, &cfg));
    assert_null(esp_tls_conn_http_new("https://127.0.0.1/", NULL));
    /* a malformed URL: the handle it allocated is destroyed (valgrind: no leak) */
    assert_null(esp_tls_conn_http_new("https://", &cfg));
#pragma GCC diagnostic pop
}

/* ---- esp_tls_plain_tcp_connect ------------------------------------------------------------ */

static void test_plain_tcp_null_args(void **state)
{
    (void)state;
    caller_storage_t st;
    memset(&st, 0, sizeof(st));
    int fd = 55;
    assert_int_equal(esp_tls_plain_tcp_connect("127.0.0.1", 9, 443, NULL, &st.e, NULL),
                     ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_tls_plain_tcp_connect("127.0.0.1", 9, 443, NULL, NULL, &fd),
                     ESP_ERR_INVALID_ARG);
    assert_int_equal(fd, 55);
}

static void test_plain_tcp_bad_target(void **state)
{
    (void)state;
    memset(s_long_host, 'a', 254);
    s_long_host[254] = '\0';
    const target_case_t cases[] = {
        {"NULL host", 9, NULL, 443},
        {"hostlen 254", 254, s_long_host, 443},
        {"hostlen -1", -1, "127.0.0.1", 443},
        {"port 0", USE_STRLEN, "127.0.0.1", 0},
        {"port 70000", USE_STRLEN, "127.0.0.1", 70000},
    };
    esp_tls_cfg_t cfg = {.timeout_ms = 300};
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(cases); i++) {
        const target_case_t *c = &cases[i];
        print_message("  %s\n", c->name);
        caller_storage_t st;
        memset(&st, 0, sizeof(st));
        int len = c->hostlen == USE_STRLEN ? (int)strlen(c->host) : c->hostlen;
        int fd = 55;
        assert_int_equal(esp_tls_plain_tcp_connect(c->host, len, c->port, &cfg, &st.e, &fd),
                         ESP_ERR_INVALID_ARG);
        assert_int_equal(fd, 55);
    }
}

static void test_plain_tcp_refused(void **state)
{
    (void)state;
    int port = unit_closed_port();
    assert_true(port > 0);
    caller_storage_t st;
    memset(&st, 0, sizeof(st));
    esp_tls_cfg_t cfg = {.timeout_ms = 2000};
    const esp_tls_cfg_t *cfgs[] = {&cfg, NULL};
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(cfgs); i++) {
        memset(&st, 0, sizeof(st));
        int fd = 55;
        assert_int_equal(esp_tls_plain_tcp_connect("127.0.0.1", 9, port, cfgs[i], &st.e, &fd),
                         ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST);
        assert_int_equal(st.sock_errno, ECONNREFUSED);
        /* the ESP slot is left to the caller: esp_tls_plain_tcp_connect() records only errno */
        assert_int_equal(st.e.last_error, 0);
        assert_int_equal(fd, 55);
    }
}

static void test_plain_tcp_connects(void **state)
{
    (void)state;
    int port = 0;
    int lfd = unit_listener(&port);
    assert_true(lfd >= 0);

    caller_storage_t st;
    memset(&st, 0, sizeof(st));
    esp_tls_cfg_t cfg = {.timeout_ms = 2000};
    int fd = -1;

    /* with a cfg: the socket is returned blocking */
    assert_int_equal(esp_tls_plain_tcp_connect("127.0.0.1", 9, port, &cfg, &st.e, &fd), ESP_OK);
    assert_true(fd >= 0);
    int fl = fcntl(fd, F_GETFL);
    assert_true(fl >= 0);
    assert_int_equal(fl & O_NONBLOCK, 0);
    struct sockaddr_in peer;
    socklen_t len = sizeof(peer);
    assert_int_equal(getpeername(fd, (struct sockaddr *)&peer, &len), 0);
    assert_int_equal(ntohs(peer.sin_port), port);
    assert_int_equal(peer.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
    close(fd);

    /* with cfg == NULL: the socket is left non-blocking (ESP-IDF quirk, preserved) */
    fd = -1;
    assert_int_equal(esp_tls_plain_tcp_connect("127.0.0.1", 9, port, NULL, &st.e, &fd), ESP_OK);
    assert_true(fd >= 0);
    fl = fcntl(fd, F_GETFL);
    assert_true(fl >= 0);
    assert_int_not_equal(fl & O_NONBLOCK, 0);
    len = sizeof(peer);
    assert_int_equal(getpeername(fd, (struct sockaddr *)&peer, &len), 0);
    assert_int_equal(ntohs(peer.sin_port), port);
    close(fd);

    /* the host need not be NUL-terminated: hostlen bytes are used */
    fd = -1;
    assert_int_equal(esp_tls_plain_tcp_connect("127.0.0.1XYZ", 9, port, &cfg, &st.e, &fd), ESP_OK);
    assert_true(fd >= 0);
    close(fd);

    assert_int_equal(st.e.last_error, 0);
    close(lfd);
}

/* ---- ciphersuites ------------------------------------------------------------------------ */

static void test_ciphersuites_list(void **state)
{
    (void)state;
    const int *list = esp_tls_get_ciphersuites_list();
    assert_non_null(list);
    size_t n = 0;
    bool has_tls13_aes128 = false;
    while (n < 4096 && list[n] != 0) {
        if (list[n] == MBEDTLS_TLS1_3_AES_128_GCM_SHA256) {
            has_tls13_aes128 = true;
        }
        n++;
    }
    assert_true(n > 0);
    assert_true(n < 4096); /* zero-terminated */
    assert_int_equal(MBEDTLS_TLS1_3_AES_128_GCM_SHA256, 0x1301);
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    assert_true(has_tls13_aes128);
#else
    assert_false(has_tls13_aes128);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_io_null_tls),
        cmocka_unit_test(test_io_write_null_data),
        cmocka_unit_test(test_io_unconnected_handle),
        cmocka_unit_test(test_io_connected_plain_tcp),
        cmocka_unit_test(test_init_destroy),
        cmocka_unit_test(test_init_destroy_frees_everything),
        cmocka_unit_test(test_destroy_closes_recorded_socket),
        cmocka_unit_test(test_bytes_avail),
        cmocka_unit_test(test_sockfd_get_set),
        cmocka_unit_test(test_conn_state_get_set),
        cmocka_unit_test(test_io_done_without_session),
        cmocka_unit_test(test_ssl_context_null),
        cmocka_unit_test(test_error_handle_args),
        cmocka_unit_test(test_new_sync_null_args),
        cmocka_unit_test(test_new_sync_bad_target),
        cmocka_unit_test(test_http_new_sync_null_args),
        cmocka_unit_test(test_http_new_sync_malformed_url),
        cmocka_unit_test(test_new_async_null_args),
        cmocka_unit_test(test_connect_on_failed_handle),
        cmocka_unit_test(test_http_new_deprecated_null),
        cmocka_unit_test(test_http_new_deprecated_connects),
        cmocka_unit_test(test_plain_tcp_null_args),
        cmocka_unit_test(test_plain_tcp_bad_target),
        cmocka_unit_test(test_plain_tcp_refused),
        cmocka_unit_test(test_plain_tcp_connects),
        cmocka_unit_test(test_ciphersuites_list),
    };
    return cmocka_run_group_tests_name("core/api_args", tests, NULL, NULL);
}
