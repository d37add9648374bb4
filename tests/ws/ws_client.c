// SPDX-License-Identifier: Apache-2.0
/*
 * ws_client: a scripted esp_transport_ws / esp_transport_socks_proxy client for the WebSocket
 * and SOCKS tests (tests/ws/ws_peers.py). Options set up the transports; the arguments after
 * "--" are actions run in order. Results are printed as key=value lines:
 *   connect=0|-1 status=N redir=URI errno=N resp_protocol=S   after connecting
 *   recv=ok opcode=N len=N frames=N match=yes|no data=TEXT    for each "recv"
 *   recv=-1 / recv=timeout                                    when none came
 * Actions: text:STR  bin:N  hex:HEX  frag:A,B,C (TEXT + CONT frames)  ping (zero-length write)
 *          pingdata:STR (send_raw PING)  recv  close:CODE (send CLOSE, then read the answer)
 *          wait-closed (esp_transport_ws_poll_connection_closed)  raw:STR (--raw: write, read)
 * Exit status 0 when every action succeeded.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "esp_log.h"
#include "esp_transport.h"
#include "esp_transport_socks_proxy.h"
#include "esp_transport_ssl.h"
#include "esp_transport_tcp.h"
#include "esp_transport_ws.h"

#define CAP (4 * 1024 * 1024)

typedef struct {
    const char *host, *path, *ca, *subprotocol, *auth, *ua, *socks;
    char headers[1024];
    int port, timeout, socks_version;
    bool ssl, propagate, raw;
} opts_t;

static char *s_sent;
static int s_sent_len;
static char *s_buf;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *read_file(const char *path, int *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    char *b = calloc(1, 65536);
    *len = (int)fread(b, 1, 65535, f);
    fclose(f);
    return b;
}

static void remember(const char *p, int n)
{
    free(s_sent);
    s_sent = malloc(n > 0 ? (size_t)n : 1);
    memcpy(s_sent, p, (size_t)n);
    s_sent_len = n;
}

static int send_text(esp_transport_handle_t ws, const char *s, int timeout)
{
    int n = (int)strlen(s);
    remember(s, n);
    int r = esp_transport_ws_send_raw(ws, WS_TRANSPORT_OPCODES_TEXT | WS_TRANSPORT_OPCODES_FIN, s,
                                      n, timeout);
    printf("sent=%d\n", r);
    return r == n ? 0 : -1;
}

static int send_bin(esp_transport_handle_t ws, int n, int timeout)
{
    char *p = malloc((size_t)n);
    for (int i = 0; i < n; i++) {
        p[i] = (char)(i % 251);
    }
    remember(p, n);
    int r = esp_transport_write(ws, p, n, timeout);
    free(p);
    printf("sent=%d\n", r);
    return r == n ? 0 : -1;
}

static int send_hex(esp_transport_handle_t ws, const char *hex, int timeout)
{
    char p[512];
    int n = 0;
    for (unsigned v; n < (int)sizeof(p) && sscanf(hex + 2 * n, "%2x", &v) == 1; n++) {
        p[n] = (char)v;
    }
    remember(p, n);
    int r = esp_transport_write(ws, p, n, timeout);
    printf("sent=%d\n", r);
    return r == n ? 0 : -1;
}

static int send_frag(esp_transport_handle_t ws, char *list, int timeout)
{
    char all[4096] = "";
    int count = 0;
    for (char *part = strtok(list, ","); part != NULL; part = strtok(NULL, ",")) {
        strncat(all, part, sizeof(all) - strlen(all) - 1);
        count++;
    }
    remember(all, (int)strlen(all));
    const char *part = list; /* strtok() left the parts NUL-separated in list */
    for (int i = 0; i < count; i++) {
        int op = i == 0 ? WS_TRANSPORT_OPCODES_TEXT : WS_TRANSPORT_OPCODES_CONT;
        if (i == count - 1) {
            op |= WS_TRANSPORT_OPCODES_FIN;
        }
        int n = (int)strlen(part);
        if (esp_transport_ws_send_raw(ws, (ws_transport_opcodes_t)op, part, n, timeout) != n) {
            printf("sent=-1\n");
            return -1;
        }
        part += n + 1;
    }
    printf("sent=%d\n", s_sent_len);
    return 0;
}

static void print_message(int op, int total, int frames)
{
    printf("recv=ok opcode=%d len=%d frames=%d match=%s", op, total, frames,
           total == s_sent_len && memcmp(s_buf, s_sent, (size_t)total) == 0 ? "yes" : "no");
    if (op == WS_TRANSPORT_OPCODES_CLOSE && total >= 2) {
        printf(" close_code=%u", ((unsigned)(uint8_t)s_buf[0] << 8) | (uint8_t)s_buf[1]);
    } else if (op == WS_TRANSPORT_OPCODES_TEXT && total <= 200) {
        printf(" data=%.*s", total, s_buf);
    } else if (total <= 64) {
        printf(" hex=");
        for (int i = 0; i < total; i++) {
            printf("%02x", (uint8_t)s_buf[i]);
        }
    }
    printf("\n");
}

/* Read one message: frames until FIN (a control frame is a message of its own). */
static int do_recv(esp_transport_handle_t ws, int timeout)
{
    int64_t deadline = now_ms() + timeout;
    int total = 0, frames = 0, frame_got = 0, op0 = -1;
    while (now_ms() < deadline) {
        int r = esp_transport_read(ws, s_buf + total, CAP - total, (int)(deadline - now_ms()));
        if (r < 0) {
            printf("recv=-1\n");
            return -1;
        }
        int op = esp_transport_ws_get_read_opcode(ws);
        int plen = esp_transport_ws_get_read_payload_len(ws);
        if (op == WS_TRANSPORT_OPCODES_NONE || (r == 0 && plen > 0)) {
            continue; /* a control frame handled by the transport, or nothing yet */
        }
        if (op0 < 0) {
            op0 = op;
        }
        total += r;
        frame_got += r;
        if (frame_got >= plen) {
            frames++;
            frame_got = 0;
            if (esp_transport_ws_get_fin_flag(ws)) {
                print_message(op0, total, frames);
                return 0;
            }
        }
    }
    printf("recv=timeout\n");
    return -1;
}

static int do_close(esp_transport_handle_t ws, int code, int timeout)
{
    char payload[2] = {(char)(code >> 8), (char)code};
    int r = esp_transport_ws_send_raw(ws, WS_TRANSPORT_OPCODES_CLOSE | WS_TRANSPORT_OPCODES_FIN,
                                      payload, 2, timeout);
    printf("close_sent=%d\n", r);
    return r == 2 ? 0 : -1;
}

static int do_raw(esp_transport_handle_t t, const char *s, int timeout)
{
    int n = (int)strlen(s);
    if (esp_transport_write(t, s, n, timeout) != n) {
        printf("raw=-1\n");
        return -1;
    }
    int got = 0;
    while (got < n) {
        int r = esp_transport_read(t, s_buf + got, n - got, timeout);
        if (r <= 0) {
            printf("raw=%d\n", r);
            return -1;
        }
        got += r;
    }
    printf("raw=%.*s\n", got, s_buf);
    return memcmp(s_buf, s, (size_t)n) == 0 ? 0 : -1;
}

static int run_action(esp_transport_handle_t t, char *a, const opts_t *o)
{
    if (strncmp(a, "text:", 5) == 0) {
        return send_text(t, a + 5, o->timeout);
    }
    if (strncmp(a, "bin:", 4) == 0) {
        return send_bin(t, atoi(a + 4), o->timeout);
    }
    if (strncmp(a, "hex:", 4) == 0) {
        return send_hex(t, a + 4, o->timeout);
    }
    if (strncmp(a, "frag:", 5) == 0) {
        return send_frag(t, a + 5, o->timeout);
    }
    if (strcmp(a, "ping") == 0) {
        int r = esp_transport_write(t, NULL, 0, o->timeout);
        printf("ping=%d\n", r);
        return r == 0 ? 0 : -1;
    }
    if (strncmp(a, "pingdata:", 9) == 0) {
        remember(a + 9, (int)strlen(a + 9));
        int r = esp_transport_ws_send_raw(t, WS_TRANSPORT_OPCODES_PING | WS_TRANSPORT_OPCODES_FIN,
                                          a + 9, s_sent_len, o->timeout);
        return r == s_sent_len ? 0 : -1;
    }
    if (strcmp(a, "recv") == 0) {
        return do_recv(t, o->timeout);
    }
    if (strncmp(a, "close:", 6) == 0) {
        return do_close(t, atoi(a + 6), o->timeout);
    }
    if (strcmp(a, "wait-closed") == 0) {
        int r = esp_transport_ws_poll_connection_closed(t, o->timeout);
        printf("closed=%d\n", r);
        return r == 1 ? 0 : -1;
    }
    if (strncmp(a, "raw:", 4) == 0) {
        return do_raw(t, a + 4, o->timeout);
    }
    fprintf(stderr, "unknown action %s\n", a);
    return -1;
}

static int parse(int argc, char **argv, opts_t *o)
{
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        const char *k = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : "";
        if (!strcmp(k, "--ssl"))
            o->ssl = true;
        else if (!strcmp(k, "--propagate"))
            o->propagate = true;
        else if (!strcmp(k, "--raw"))
            o->raw = true;
        else if (!strcmp(k, "--host"))
            o->host = v, i++;
        else if (!strcmp(k, "--port"))
            o->port = atoi(v), i++;
        else if (!strcmp(k, "--path"))
            o->path = v, i++;
        else if (!strcmp(k, "--ca"))
            o->ca = v, i++;
        else if (!strcmp(k, "--subprotocol"))
            o->subprotocol = v, i++;
        else if (!strcmp(k, "--auth"))
            o->auth = v, i++;
        else if (!strcmp(k, "--user-agent"))
            o->ua = v, i++;
        else if (!strcmp(k, "--timeout"))
            o->timeout = atoi(v), i++;
        else if (!strcmp(k, "--socks4"))
            o->socks = v, o->socks_version = 4, i++;
        else if (!strcmp(k, "--socks5"))
            o->socks = v, o->socks_version = 5, i++;
        else if (!strcmp(k, "--header")) {
            strncat(o->headers, v, sizeof(o->headers) - strlen(o->headers) - 3);
            strcat(o->headers, "\r\n");
            i++;
        } else {
            fprintf(stderr, "unknown option %s\n", k);
            exit(2);
        }
    }
    return i + 1;
}

/* The socks transport (when asked for) on @p base. */
static esp_transport_handle_t add_socks(esp_transport_handle_t base, const opts_t *o)
{
    if (o->socks == NULL) {
        return base;
    }
    static char addr[256];
    snprintf(addr, sizeof(addr), "%s", o->socks);
    char *colon = strrchr(addr, ':');
    *colon = '\0';
    esp_transport_socks_proxy_config_t cfg = {
        .version = (socks_version_t)o->socks_version, .address = addr, .port = atoi(colon + 1)};
    return esp_transport_socks_proxy_init(base, &cfg);
}

static esp_transport_handle_t make_ws(esp_transport_handle_t parent, const opts_t *o, char *resp,
                                      size_t resp_len)
{
    esp_transport_handle_t ws = esp_transport_ws_init(parent);
    esp_transport_ws_config_t cfg = {
        .ws_path = o->path,
        .sub_protocol = o->subprotocol,
        .user_agent = o->ua,
        .headers = o->headers[0] ? o->headers : NULL,
        .auth = o->auth,
        .response_headers = resp,
        .response_headers_len = resp_len,
        .propagate_control_frames = o->propagate,
    };
    if (ws == NULL || esp_transport_ws_set_config(ws, &cfg) != ESP_OK) {
        fprintf(stderr, "ws_client: cannot configure the ws transport\n");
        exit(2);
    }
    return ws;
}

static void print_connect(esp_transport_handle_t t, esp_transport_handle_t base, int rc,
                          const char *resp, const opts_t *o)
{
    printf("connect=%d\n", rc);
    int e = esp_transport_get_errno(base);
    printf("errno=%d\n", e);
    if (o->raw) {
        return;
    }
    printf("status=%d\n", esp_transport_ws_get_upgrade_request_status(t));
    const char *redir = esp_transport_ws_get_redir_uri(t);
    printf("redir=%s\n", redir ? redir : "none");
    const char *p = strstr(resp, "Sec-WebSocket-Protocol: ");
    printf("resp_protocol=%.*s\n", p ? (int)strcspn(p + 24, "\r\n") : 4, p ? p + 24 : "none");
}

int main(int argc, char **argv)
{
    opts_t o = {.host = "127.0.0.1", .timeout = 10000};
    int first = parse(argc, argv, &o);
    int ca_len = 0;
    char *ca = o.ca ? read_file(o.ca, &ca_len) : NULL;
    static char resp[2048];
    s_buf = malloc(CAP);
    esp_transport_list_handle_t list = esp_transport_list_init();
    esp_transport_handle_t base = o.ssl ? esp_transport_ssl_init() : esp_transport_tcp_init();
    esp_transport_list_add(list, base, o.ssl ? "ssl" : "tcp");
    if (ca != NULL) {
        esp_transport_ssl_set_cert_data(base, ca, ca_len);
    }
    esp_transport_handle_t mid = add_socks(base, &o);
    if (mid != base) {
        esp_transport_list_add(list, mid, "socks");
    }
    esp_transport_handle_t t = o.raw ? mid : make_ws(mid, &o, resp, sizeof(resp));
    if (t != mid) {
        esp_transport_list_add(list, t, o.ssl ? "wss" : "ws");
    }
    int rc = esp_transport_connect(t, o.host, o.port, o.timeout);
    print_connect(t, base, rc, resp, &o);
    int fails = rc == 0 ? 0 : 1;
    for (int i = first; rc == 0 && i < argc; i++) {
        fails += run_action(t, argv[i], &o) != 0;
    }
    esp_transport_close(t);
    esp_transport_list_destroy(list);
    free(ca);
    free(s_buf);
    free(s_sent);
    printf("exit=%d\n", fails ? 1 : 0);
    return fails ? 1 : 0;
}
