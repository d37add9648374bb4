// SPDX-License-Identifier: Apache-2.0
/*
 * esp-tls ota: esp_https_ota into a flash file. The flash file is created (erased 4 MB,
 * "factory app, two OTA definitions" table) if it does not exist, and kept, so that the next
 * run "boots" what this one selected. Prints the image description and where it landed, as
 * key=value lines.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "esp_crt_bundle.h"
#include "esp_https_ota.h"
#include "esp_ota_ops.h"
#include "esp_private/partition_linux.h"

static const char s_help[] =
    "usage: esp-tls ota URL --flash FILE [--ca FILE | --bundle] [--partial BYTES]\n"
    "                  [--bulk-erase] [--timeout MS]\n"
    "Download an ESP-IDF app image with esp_https_ota into the next update partition of the\n"
    "flash file FILE (created if missing: 4 MB, factory + ota_0 + ota_1) and select it for the\n"
    "next boot. --ca: verify the server with this CA (PEM); --bundle: with the built-in\n"
    "certificate bundle. Without either, esp_https_ota refuses (unless the library was built\n"
    "with CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP). --partial: Range requests of BYTES each.\n"
    "Prints the image description, the partition written and the boot partition.\n"
    "Exit: 0 updated, 1 OTA failed (boot partition unchanged), 2 usage.\n";

typedef struct {
    const char *url;
    const char *flash;
    const char *ca;
    bool bundle;
    bool bulk_erase;
    long partial;
    long timeout_ms;
} ota_opts_t;

static int parse(int argc, char **argv, ota_opts_t *o)
{
    static const struct option longopts[] = {
        {"flash", required_argument, NULL, 'f'}, {"ca", required_argument, NULL, 'c'},
        {"bundle", no_argument, NULL, 'b'},      {"partial", required_argument, NULL, 'p'},
        {"bulk-erase", no_argument, NULL, 'e'},  {"timeout", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': o->flash = optarg; break;
        case 'c': o->ca = optarg; break;
        case 'b': o->bundle = true; break;
        case 'e': o->bulk_erase = true; break;
        case 'p':
            if (!cli_parse_decimal(optarg, 1, INT_MAX, &o->partial)) {
                return cli_usage_error("ota", "--partial takes a byte count");
            }
            break;
        case 't':
            if (!cli_parse_decimal(optarg, 1, 3600000, &o->timeout_ms)) {
                return cli_usage_error("ota", "--timeout takes milliseconds");
            }
            break;
        case 'h': fputs(s_help, stdout); return -1;
        default: return cli_bad_option("ota", c, argc, argv);
        }
    }
    if (optind != argc - 1 || o->flash == NULL) {
        return cli_usage_error("ota", "give one URL and --flash FILE");
    }
    o->url = argv[optind];
    return CLI_OK;
}

/* Copy the temporary flash file @p from to @p to (they may be on different file systems). */
static bool copy_file(const char *from, const char *to)
{
    FILE *out = NULL;
    bool ok = false;
    FILE *in = fopen(from, "rb");
    if (in != NULL && (out = fopen(to, "wb")) != NULL) {
        char chunk[65536];
        size_t n;
        ok = true;
        while (ok && (n = fread(chunk, 1, sizeof(chunk), in)) > 0) {
            ok = fwrite(chunk, 1, n, out) == n;
        }
        ok = fclose(out) == 0 && ok;
    }
    if (in != NULL) {
        fclose(in);
    }
    return ok;
}

/* A new flash file: the library's default temporary flash, kept and copied to @p path. */
static bool create_flash(const char *path)
{
    esp_partition_file_mmap_ctrl_t *in = esp_partition_get_file_mmap_ctrl_input();
    memset(in, 0, sizeof(*in));
    const uint8_t *base = NULL;
    if (esp_partition_file_mmap(&base) != ESP_OK) {
        return false;
    }
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof(tmp), "%s", esp_partition_get_file_mmap_ctrl_act()->flash_file_name);
    in->remove_dump = false;
    bool ok = esp_partition_file_munmap() == ESP_OK && copy_file(tmp, path);
    unlink(tmp);
    return ok;
}

static bool open_flash(const char *path)
{
    if (access(path, F_OK) != 0 && !create_flash(path)) {
        fprintf(stderr, "esp-tls ota: cannot create flash file %s: %s\n", path, strerror(errno));
        return false;
    }
    esp_partition_file_mmap_ctrl_t *in = esp_partition_get_file_mmap_ctrl_input();
    memset(in, 0, sizeof(*in));
    snprintf(in->flash_file_name, sizeof(in->flash_file_name), "%s", path);
    const uint8_t *base = NULL;
    if (esp_partition_file_mmap(&base) != ESP_OK) {
        fprintf(stderr, "esp-tls ota: cannot use flash file %s\n", path);
        return false;
    }
    return true;
}

static const char *label_of(const esp_partition_t *p)
{
    return p != NULL ? p->label : "(none)";
}

static void print_desc(const esp_app_desc_t *d)
{
    printf("project=%.32s\nversion=%.32s\nidf_ver=%.32s\ndate=%.16s\ntime=%.16s\n"
           "secure_version=%u\n",
           d->project_name, d->version, d->idf_ver, d->date, d->time, (unsigned)d->secure_version);
}

static esp_err_t run_ota(const esp_https_ota_config_t *cfg, const esp_partition_t *target)
{
    esp_https_ota_handle_t h = NULL;
    esp_err_t err = esp_https_ota_begin(cfg, &h);
    if (err != ESP_OK) {
        return err;
    }
    esp_app_desc_t desc;
    err = esp_https_ota_get_img_desc(h, &desc);
    if (err == ESP_OK) {
        print_desc(&desc);
        do {
            err = esp_https_ota_perform(h);
        } while (err == ESP_ERR_HTTPS_OTA_IN_PROGRESS);
    }
    printf("status=%d\nimage_size=%d\nimage_len_read=%d\ncomplete=%d\n",
           esp_https_ota_get_status_code(h), esp_https_ota_get_image_size(h),
           esp_https_ota_get_image_len_read(h), esp_https_ota_is_complete_data_received(h));
    if (err != ESP_OK) {
        esp_https_ota_abort(h);
        return err;
    }
    err = esp_https_ota_finish(h);
    if (err == ESP_OK) {
        printf("partition=%s\naddress=0x%x\nsize=%u\n", target->label, (unsigned)target->address,
               (unsigned)target->size);
    }
    return err;
}

static int ota_with(const ota_opts_t *o, const char *cert_pem)
{
    esp_http_client_config_t http = {
        .url = o->url,
        .cert_pem = cert_pem,
        .crt_bundle_attach = o->bundle ? esp_crt_bundle_attach : NULL,
        .timeout_ms = (int)o->timeout_ms,
        .keep_alive_enable = true,
    };
    esp_https_ota_config_t cfg = {
        .http_config = &http,
        .partial_http_download = o->partial > 0,
        .max_http_request_size = (int)o->partial,
        .bulk_flash_erase = o->bulk_erase,
    };
    const esp_partition_t *before = esp_ota_get_boot_partition();
    const esp_partition_t *target = esp_ota_get_next_update_partition(NULL);
    printf("running=%s\nboot_before=%s\n", label_of(esp_ota_get_running_partition()),
           label_of(before));
    esp_err_t err = run_ota(&cfg, target);
    printf("result=%s\nboot=%s\n", esp_err_to_name(err), label_of(esp_ota_get_boot_partition()));
    if (err != ESP_OK) {
        fprintf(stderr, "esp-tls ota: %s; the boot partition is still %s\n", esp_err_to_name(err),
                label_of(esp_ota_get_boot_partition()));
    }
    return err == ESP_OK ? CLI_OK : CLI_FAIL;
}

int cli_ota(int argc, char **argv)
{
    ota_opts_t o = {.timeout_ms = 10000};
    int rc = parse(argc, argv, &o);
    if (rc != CLI_OK) {
        return rc < 0 ? CLI_OK : rc;
    }
    cli_buf_t ca = {0};
    if (o.ca != NULL && !cli_read_file(o.ca, &ca)) {
        return CLI_USAGE;
    }
    if (!open_flash(o.flash)) {
        cli_buf_free(&ca);
        return CLI_USAGE;
    }
    rc = ota_with(&o, o.ca != NULL ? (const char *)ca.data : NULL);
    cli_buf_free(&ca);
    esp_partition_file_munmap();
    return rc;
}
