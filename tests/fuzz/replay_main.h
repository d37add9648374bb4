// SPDX-License-Identifier: Apache-2.0
/*
 * The replay mode shared by the fuzz targets: a normal main() that feeds every file of the
 * given files or directories (default: FUZZ_CORPUS) to LLVMFuzzerTestOneInput() once, each in
 * an exact-size heap block. Included by a target when it is built with -DFUZZ_REPLAY.
 */
#pragma once

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* Each input in an exact-size heap block, so that an over-read shows under ASan/Valgrind. */
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(size > 0 ? (size_t)size : 1);
    int rc = buf == NULL || fread(buf, 1, (size_t)size, f) != (size_t)size;
    fclose(f);
    if (rc == 0) {
        LLVMFuzzerTestOneInput(buf, (size_t)size);
    }
    free(buf);
    return rc;
}

static int replay(const char *path, int *count)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        (*count)++;
        return replay_file(path);
    }
    DIR *d = opendir(path);
    int rc = d == NULL;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        char sub[4096];
        if (e->d_name[0] != '.') {
            snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
            rc |= replay(sub, count);
        }
    }
    if (d != NULL) {
        closedir(d);
    }
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 0, count = 0;
    if (argc < 2) {
        rc = replay(FUZZ_CORPUS, &count);
    }
    for (int i = 1; i < argc; i++) {
        rc |= replay(argv[i], &count);
    }
    printf(FUZZ_NAME ": %d inputs replayed%s\n", count, rc ? ", some unreadable" : "");
    return rc != 0 || count == 0;
}
