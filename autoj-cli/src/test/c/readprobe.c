/*
 * Plain native memory read probe: the yardstick for `autoj bench`'s bandwidth figure.
 *
 * Sums a 1 GiB buffer of 64-bit words with THREADS threads (default 2, or argv[1]), each thread
 * its own contiguous slice, and prints the best of PASSES passes in bytes per second on one line.
 * The buffer is written once before timing so every page is resident. Nothing else: no Java, no
 * ONNX Runtime, so the figure says what the hardware gives a simple streaming reader.
 *
 *   gcc -O3 -march=native -pthread -o readprobe readprobe.c && ./readprobe 2
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BYTES (1UL << 30)
#define PASSES 8

struct slice { const uint64_t *data; size_t words; uint64_t sum; };

static void *sum_slice(void *arg) {
    struct slice *s = arg;
    /* four independent accumulators so the loop is bound by loads, not by one add chain */
    uint64_t a = 0, b = 0, c = 0, d = 0;
    const uint64_t *p = s->data;
    for (size_t i = 0; i + 3 < s->words; i += 4) {
        a += p[i];
        b += p[i + 1];
        c += p[i + 2];
        d += p[i + 3];
    }
    s->sum = a + b + c + d;
    return NULL;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    if (threads < 1 || threads > 256) {
        fprintf(stderr, "usage: readprobe [threads]\n");
        return 2;
    }
    uint64_t *buffer = aligned_alloc(4096, BYTES);
    if (buffer == NULL) {
        fprintf(stderr, "cannot allocate 1 GiB\n");
        return 1;
    }
    memset(buffer, 1, BYTES);
    size_t per = BYTES / sizeof(uint64_t) / threads;
    struct slice slices[256];
    pthread_t ids[256];
    double best = 0;
    uint64_t total = 0;
    for (int pass = 0; pass < PASSES; pass++) {
        double start = now();
        for (int t = 0; t < threads; t++) {
            slices[t] = (struct slice) { buffer + t * per, per, 0 };
            pthread_create(&ids[t], NULL, sum_slice, &slices[t]);
        }
        for (int t = 0; t < threads; t++) {
            pthread_join(ids[t], NULL);
            total += slices[t].sum;
        }
        double rate = per * threads * sizeof(uint64_t) / (now() - start);
        if (rate > best) {
            best = rate;
        }
    }
    /* print the checksum to stderr so the compiler cannot drop the reads */
    fprintf(stderr, "checksum %llu\n", (unsigned long long) total);
    printf("%.0f\n", best);
    free(buffer);
    return 0;
}
