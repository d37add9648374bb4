// SPDX-License-Identifier: Apache-2.0
/*
 * bulk_client: bulk throughput of one esp-tls client connection (bench/bulk.sh).
 *
 *   bulk_client --port P --ca FILE (--recv|--send) [--mib N] [--host H]
 *
 * Connects to H:P (default 127.0.0.1, verified as "localhost"), then either asks the bench
 * server (bench/bulk_peer.c, "server" mode) for N MiB ("R bytes\n") and reads them with a
 * 16 KB buffer, or announces N MiB ("S bytes\n"), writes them in 16 KB calls and waits for the
 * server's "OK\n" (everything arrived). The cipher suite is the one the server allows.
 * Prints the negotiated suite, MiB/s (wall clock of the transfer, without the handshake) and
 * CPU milliseconds per MiB (user + system of this process over the transfer, getrusage).
 * bulk_peer's "client" mode does the same with OpenSSL's libssl.
 */
#include "bulk_common.h"
#include "esp_tls.h"
#include "mbedtls/ssl.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    *len = n + 1; /* PEM: with the NUL */
    return buf;
}

static bool again(ssize_t n)
{
    return n == ESP_TLS_ERR_SSL_WANT_READ || n == ESP_TLS_ERR_SSL_WANT_WRITE;
}

static int write_all(esp_tls_t *tls, const char *data, size_t len)
{
    for (size_t done = 0; done < len;) {
        ssize_t n = esp_tls_conn_write(tls, data + done, len - done);
        if (n <= 0 && !again(n)) {
            return -1;
        }
        done += n > 0 ? (size_t)n : 0;
    }
    return 0;
}

static int read_n(esp_tls_t *tls, char *buf, size_t cap, size_t want)
{
    for (size_t got = 0; got < want;) {
        ssize_t n = esp_tls_conn_read(tls, buf, cap);
        if (n <= 0 && !again(n)) {
            return -1;
        }
        got += n > 0 ? (size_t)n : 0;
    }
    return 0;
}

static int transfer(esp_tls_t *tls, const bulk_opts_t *o)
{
    static char buf[BULK_CHUNK];
    char req[64];
    if (write_all(tls, req, (size_t)bulk_request(req, sizeof(req), o)) != 0) {
        return -1;
    }
    if (!o->send) {
        return read_n(tls, buf, sizeof(buf), o->bytes);
    }
    memset(buf, 'x', sizeof(buf));
    for (size_t done = 0; done < o->bytes; done += BULK_CHUNK) {
        if (write_all(tls, buf, o->bytes - done < BULK_CHUNK ? o->bytes - done : BULK_CHUNK) != 0) {
            return -1;
        }
    }
    return read_n(tls, buf, 3, 3); /* "OK\n": the server has every byte */
}

int main(int argc, char **argv)
{
    bulk_opts_t o;
    if (!bulk_parse(argc - 1, argv + 1, &o)) {
        fprintf(stderr, "usage: bulk_client --port P --ca FILE (--recv|--send) [--mib N]\n");
        return 2;
    }
    esp_tls_cfg_t cfg;
    memset(&cfg, 0, sizeof(cfg));
    size_t ca_len = 0;
    cfg.cacert_buf = (const unsigned char *)slurp(o.ca, &ca_len);
    cfg.cacert_bytes = (unsigned)ca_len;
    cfg.common_name = "localhost";
    cfg.timeout_ms = 30000;
    esp_tls_t *tls = esp_tls_init();
    if (tls == NULL || esp_tls_conn_new_sync(o.host, (int)strlen(o.host), o.port, &cfg, tls) != 1) {
        fprintf(stderr, "bulk_client: connection failed\n");
        esp_tls_conn_destroy(tls);
        return 1;
    }
    double t0[2], t1[2];
    bulk_clocks(t0);
    int rc = transfer(tls, &o);
    bulk_clocks(t1);
    const char *suite = mbedtls_ssl_get_ciphersuite(esp_tls_get_ssl_context(tls));
    if (rc == 0) {
        bulk_report(suite, o.bytes, t0, t1);
    }
    esp_tls_conn_destroy(tls);
    if (rc != 0) {
        fprintf(stderr, "bulk_client: transfer failed\n");
        return 1;
    }
    return 0;
}
