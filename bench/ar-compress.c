/*
 * Compresses standard input to standard output with the module's own
 * code (ar_compress), for make bench's precompressed static files:
 *
 *     ar-compress gzip 3 < page.html > page.html.gz
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar_buf.h"
#include "ar_compress.h"


int
main(int argc, char **argv)
{
    int       coding;
    char     *out, chunk[65536];
    size_t    n, out_len;
    ar_buf_t  in;

    if (argc != 3
        || (coding = ar_coding(argv[1], strlen(argv[1]))) <= 0)
    {
        fprintf(stderr, "usage: %s gzip|br|zstd LEVEL < in > out\n", argv[0]);
        return 2;
    }

    memset(&in, 0, sizeof(ar_buf_t));

    while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
        if (ar_buf_append(&in, chunk, n) != AR_OK) {
            return 1;
        }
    }

    if (ar_compress(coding, atoi(argv[2]), in.data, in.len, NULL, &out,
                    &out_len)
        != AR_OK)
    {
        fprintf(stderr, "%s: %s %s failed\n", argv[0], argv[1], argv[2]);
        return 1;
    }

    if (fwrite(out, 1, out_len, stdout) != out_len || fflush(stdout) != 0) {
        perror("write");
        return 1;
    }

    ar_compress_free(NULL, out);
    ar_buf_free(&in);

    return 0;
}
